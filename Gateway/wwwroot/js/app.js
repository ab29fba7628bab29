import { getKey, setKey } from "./api.js";
import { setStatus } from "./dom.js";
import { initPlayground, loadModels } from "./playground.js";
import { initDocuments, refreshDocuments } from "./documents.js";
import { initDashboard, showDashboard, hideDashboard } from "./dashboard.js";

const views = ["playground", "documents", "dashboard"];

function showView(name, moveFocus) {
  const view = views.includes(name) ? name : "playground";
  for (const candidate of views) {
    document.getElementById(`view-${candidate}`).hidden = candidate !== view;
  }
  for (const link of document.querySelectorAll(".tabs a")) {
    if (link.dataset.view === view) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
  if (view === "dashboard") {
    showDashboard();
  } else {
    hideDashboard();
  }
  if (view === "documents" && getKey()) {
    refreshDocuments();
  }
  if (moveFocus) {
    document.getElementById(`${view}-title`).setAttribute("tabindex", "-1");
    document.getElementById(`${view}-title`).focus();
  }
}

function describeKey() {
  const status = document.getElementById("key-status");
  const key = getKey();
  if (key) {
    setStatus(status, `Key in use: …${key.slice(-4)}`);
    status.dataset.state = "set";
  } else {
    setStatus(status, "No key: enter one to call the API.");
  }
}

function initKey() {
  const form = document.getElementById("key-form");
  const input = document.getElementById("api-key");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setKey(input.value.trim());
    input.value = "";
    describeKey();
    loadModels();
    showView(location.hash.slice(1), false);
  });
  document.getElementById("key-forget").addEventListener("click", () => {
    setKey("");
    describeKey();
  });
  describeKey();
}

initKey();
initPlayground();
initDocuments();
initDashboard();
// Only the section links switch views: the skip link's "#main" must not.
window.addEventListener("hashchange", () => {
  const name = location.hash.slice(1);
  if (views.includes(name)) {
    showView(name, true);
  }
});
showView(location.hash.slice(1), false);
if (getKey()) {
  loadModels();
}
