import { getJson, postJson, send } from "./api.js";
import { el, setStatus, formatTime } from "./dom.js";

const PollMs = 1_000;
const MaxPollMs = 30 * 60_000;

const $ = (id) => document.getElementById(id);

function describe(result) {
  return `${result.id} in ${result.collection}: ${result.status}, ${result.chunks} chunk${result.chunks === 1 ? "" : "s"}`;
}

export async function refreshDocuments() {
  const tbody = $("doc-table").querySelector("tbody");
  const filter = $("doc-filter-collection").value.trim();
  try {
    const documents = await getJson(`/api/documents${filter ? `?collection=${encodeURIComponent(filter)}` : ""}`);
    documents.sort((a, b) => String(b.ingestedAt).localeCompare(String(a.ingestedAt)));
    tbody.replaceChildren(...documents.map((doc) => el("tr", { "data-testid": "document-row", "data-id": doc.id },
      el("td", { text: doc.id }),
      el("td", { text: doc.collection }),
      el("td", { text: doc.source }),
      el("td", { class: "num", text: doc.chunks }),
      el("td", { text: formatTime(doc.ingestedAt) }),
      el("td", {}, el("button", {
        type: "button", class: "danger", "aria-label": `Delete ${doc.id}`, text: "Delete",
        onclick: () => deleteDocument(doc.id),
      })))));
    if (documents.length === 0) {
      tbody.replaceChildren(el("tr", {}, el("td", { colspan: "6", class: "empty", text: "No documents yet." })));
    }
  } catch (error) {
    setStatus($("doc-status"), `Could not list documents: ${error.message}`, "error");
  }
}

async function deleteDocument(id) {
  try {
    await send("DELETE", `/api/documents/${encodeURIComponent(id)}`);
    setStatus($("doc-status"), `Deleted ${id}.`, "ok");
  } catch (error) {
    setStatus($("doc-status"), `Could not delete ${id}: ${error.message}`, "error");
  }
  await refreshDocuments();
  $("doc-list-title").setAttribute("tabindex", "-1");
  $("doc-list-title").focus();
}

async function followJob(job) {
  const box = $("upload-progress");
  const bar = $("upload-progress-bar");
  const text = $("upload-progress-text");
  box.hidden = false;
  const started = Date.now();
  for (;;) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.completed;
    text.textContent = `${job.status}: ${job.completed} of ${job.total} files`;
    if (job.status === "succeeded" || job.status === "failed") {
      break;
    }
    if (Date.now() - started > MaxPollMs) {
      throw new Error(`ingestion ${job.id} is still ${job.status}; check again later.`);
    }
    await new Promise((resolve) => setTimeout(resolve, PollMs));
    job = await getJson(`/api/ingestions/${encodeURIComponent(job.id)}`);
  }
  if (job.status === "failed") {
    throw new Error(`ingestion ${job.id} failed after ${job.completed} of ${job.total} files: ${job.error ?? "no reason given"}`);
  }
  return job.documents;
}

export function initDocuments() {
  $("doc-paste-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("doc-status");
    const body = { text: $("doc-text").value, collection: $("doc-collection").value.trim() };
    const id = $("doc-id").value.trim();
    const source = $("doc-source").value.trim();
    if (id) {
      body.id = id;
    }
    if (source) {
      body.source = source;
    }
    setStatus(status, "Ingesting…");
    try {
      const { body: result } = await postJson("/api/documents", body);
      setStatus(status, `Ingested ${describe(result)}.`, "ok");
      $("doc-text").value = "";
      $("doc-id").value = "";
    } catch (error) {
      setStatus(status, `Ingestion failed: ${error.message}`, "error");
    }
    await refreshDocuments();
  });

  $("doc-upload-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = $("doc-status");
    const files = $("upload-files").files;
    const form = new FormData();
    form.append("collection", $("upload-collection").value.trim());
    for (const file of files) {
      form.append("files", file, file.name);
    }
    $("upload-progress").hidden = false;
    $("upload-progress-bar").removeAttribute("value");
    $("upload-progress-text").textContent = `Uploading ${files.length} file${files.length === 1 ? "" : "s"}…`;
    setStatus(status, "Uploading…");
    try {
      const response = await send("POST", "/api/documents", form);
      const result = await response.json();
      let documents;
      if (response.status === 202) {
        documents = await followJob(result);
      } else {
        documents = result.documents ?? [result];
        $("upload-progress-bar").max = documents.length;
        $("upload-progress-bar").value = documents.length;
        $("upload-progress-text").textContent = `done: ${documents.length} of ${documents.length} files`;
      }
      setStatus(status, `Ingested ${documents.map(describe).join("; ")}.`, "ok");
      $("upload-files").value = "";
    } catch (error) {
      $("upload-progress-text").textContent = "failed";
      setStatus(status, `Upload failed: ${error.message}`, "error");
    }
    await refreshDocuments();
  });

  $("doc-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    refreshDocuments();
  });
}
