import { getJson, postJson, readEvents, send } from "./api.js";
import { el, setStatus, formatNumber, formatUsd } from "./dom.js";

const MaxStreamMs = 5 * 60_000;

let conversationId = null;
let inFlight = null;

const $ = (id) => document.getElementById(id);

export async function loadModels() {
  const select = $("chat-model");
  const previous = select.value || "auto";
  try {
    const list = await getJson("/v1/models");
    const ids = list.data.map((m) => m.id);
    const routes = list.data.filter((m) => m.owned_by === "aiaspire" || m.ownedBy === "aiaspire").map((m) => m.id);
    const deployments = ids.filter((id) => !routes.includes(id));
    if (!routes.includes("auto") && !deployments.includes("auto")) {
      routes.unshift("auto");
    }
    select.replaceChildren(
      el("optgroup", { label: "Routes (the router picks)" }, routes.map((id) => el("option", { value: id, text: id }))),
      el("optgroup", { label: "Deployments" }, deployments.map((id) => el("option", { value: id, text: id }))));
    select.value = [...routes, ...deployments].includes(previous) ? previous : "auto";
    select.dataset.loaded = "true";
  } catch (error) {
    setStatus($("chat-status"), `Could not list models: ${error.message}`, "error");
  }
}

function parseRouteHeader(value) {
  // "auto;strategy=complexity;attempts=2": the route asked for, how it was decided, and how many deployments were tried.
  if (!value) {
    return {};
  }
  const [route, ...pairs] = value.split(";");
  const result = { route };
  for (const pair of pairs) {
    const [name, setting] = pair.split("=");
    result[name] = setting;
  }
  return result;
}

function metaItem(label, value, testId) {
  return el("div", {}, el("dt", { text: label }), el("dd", { text: value, "data-testid": testId }));
}

function renderCitations(turn, citations, question, collection) {
  if (!citations || citations.length === 0) {
    return null;
  }
  let retrieved = null;
  const list = el("ol", { class: "citations", "aria-label": "Citations", "data-testid": "citations" });
  for (const citation of citations) {
    const chunkId = `chunk-${turn.id}-${citation.index}`;
    const panel = el("div", { class: "chunk-text", id: chunkId, hidden: true, "data-testid": "chunk-text", tabindex: "-1" });
    const button = el("button", {
      type: "button",
      "aria-expanded": "false",
      "aria-controls": chunkId,
      "data-testid": "citation",
      text: `[${citation.index}] ${citation.source}${citation.headingPath ? ` › ${citation.headingPath}` : ""} (score ${citation.score.toFixed(3)})`,
    });
    button.addEventListener("click", async () => {
      const open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      panel.hidden = open;
      if (open || panel.dataset.loaded) {
        return;
      }
      panel.textContent = "Loading the passage…";
      try {
        // The passage text is not in the answer: retrieve the question again and pick the cited chunk by id.
        retrieved ??= postJson("/v1/retrieve", { query: question, collection, topK: 50 });
        const { body } = await retrieved;
        const chunk = body.chunks.find((c) => c.chunkId === citation.chunkId);
        panel.textContent = chunk
          ? chunk.text
          : `The passage ${citation.chunkId} of ${citation.docId} is no longer retrievable (the document may have changed).`;
        panel.dataset.loaded = "true";
      } catch (error) {
        retrieved = null;
        panel.textContent = `Could not load the passage: ${error.message}`;
      }
    });
    list.append(el("li", {}, button, panel));
  }
  return list;
}

function renderFeedback(responseId) {
  const status = el("span", { class: "status", role: "status", "data-testid": "feedback-status" });
  const up = el("button", { type: "button", class: "secondary", "aria-pressed": "false", "data-testid": "thumbs-up", text: "Helpful" });
  const down = el("button", { type: "button", class: "secondary", "aria-pressed": "false", "data-testid": "thumbs-down", text: "Not helpful" });
  const comment = el("input", { id: `comment-${responseId}`, "data-testid": "feedback-comment", maxlength: "2000" });
  const correction = el("textarea", { id: `correction-${responseId}`, rows: "3", "data-testid": "feedback-correction", maxlength: "8000" });
  const submit = el("button", { type: "submit", "data-testid": "feedback-submit", text: "Send correction" });
  const form = el("form", { class: "correction-form" },
    el("label", { for: `comment-${responseId}`, text: "Comment (optional)" }), comment,
    el("label", { for: `correction-${responseId}`, text: "The answer you expected" }), correction,
    submit);
  const details = el("details", {}, el("summary", { text: "Suggest a correction" }), form);

  const post = async (rating, extra = {}) => {
    setStatus(status, "Sending…");
    try {
      await postJson("/api/feedback", { responseId, rating, ...extra });
      up.setAttribute("aria-pressed", String(rating === 1));
      down.setAttribute("aria-pressed", String(rating === -1));
      setStatus(status, rating === 1 ? "Thanks: rated helpful." : "Thanks: rated not helpful.", "ok");
      return true;
    } catch (error) {
      setStatus(status, `Feedback failed: ${error.message}`, "error");
      return false;
    }
  };
  up.addEventListener("click", () => post(1));
  down.addEventListener("click", () => post(-1));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = correction.value.trim();
    if (!text) {
      setStatus(status, "Write the answer you expected first.", "error");
      correction.focus();
      return;
    }
    const extra = { correction: text };
    if (comment.value.trim()) {
      extra.comment = comment.value.trim();
    }
    if (await post(-1, extra)) {
      details.open = false;
    }
  });
  return el("div", { class: "feedback", role: "group", "aria-label": "Rate this answer" }, up, down, status, details);
}

async function sendMessage(message) {
  const conversation = $("conversation");
  const status = $("chat-status");
  const model = $("chat-model").value || "auto";
  const rag = $("chat-rag").value;
  const collection = $("chat-collection").value.trim() || "default";

  conversation.append(el("article", { class: "turn user", "aria-label": "You" }, el("p", { class: "who", text: "You" }), el("p", { class: "answer-text", text: message })));
  const text = el("p", { class: "answer-text", "data-testid": "answer-text" });
  const turn = el("article", { class: "turn answer", "aria-label": "Assistant", "data-state": "streaming", "data-testid": "answer", "data-deltas": "0" },
    el("p", { class: "who", text: "Assistant" }), text);
  turn.id = `turn-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  conversation.setAttribute("aria-busy", "true");
  conversation.append(turn);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), MaxStreamMs);
  inFlight = controller;
  $("chat-send").disabled = true;
  $("chat-stop").disabled = false;
  setStatus(status, `Asking ${model}…`);

  const started = performance.now();
  let firstToken = null;
  let deltas = 0;
  let done = null;
  let failure = null;
  try {
    const body = { message, model, rag, collection, stream: true };
    if (conversationId) {
      body.conversationId = conversationId;
    }
    const response = await send("POST", "/api/chat", body, { signal: controller.signal, accept: "text/event-stream" });
    const route = parseRouteHeader(response.headers.get("x-aiaspire-route"));
    await readEvents(response, (name, data) => {
      const payload = JSON.parse(data);
      if (name === "delta") {
        firstToken ??= performance.now();
        deltas += 1;
        text.append(payload.text);
        turn.dataset.deltas = String(deltas);
      } else if (name === "done") {
        done = { ...payload, strategy: route.strategy, attempts: route.attempts };
      } else if (name === "error") {
        failure = payload.message || "The stream failed.";
      }
    });
    if (!done && !failure) {
      failure = "The stream ended before the answer was complete.";
    }
  } catch (error) {
    failure = error.name === "AbortError" ? "Stopped." : error.message;
  } finally {
    clearTimeout(timer);
    inFlight = null;
    $("chat-send").disabled = false;
    $("chat-stop").disabled = true;
    conversation.setAttribute("aria-busy", "false");
  }

  const elapsed = performance.now() - started;
  if (failure) {
    turn.dataset.state = "error";
    turn.append(el("p", { class: "status", "data-state": "error", role: "alert", text: failure }));
    setStatus(status, failure, "error");
    return;
  }
  conversationId = done.conversationId;
  turn.dataset.state = "done";
  turn.dataset.responseId = done.responseId;
  const attempts = Number(done.attempts ?? 1);
  turn.append(
    el("dl", { class: "meta", "aria-label": "About this answer" },
      metaItem("Model", `${done.model}${done.provider ? ` (${done.provider})` : ""}`, "meta-model"),
      metaItem("Route", `${done.route}${done.strategy ? ` · ${done.strategy}` : ""}`, "meta-route"),
      metaItem("Fallbacks", attempts > 1 ? `${attempts - 1} (tried ${attempts} deployments)` : "none", "meta-fallbacks"),
      metaItem("Latency", `${formatNumber(elapsed)} ms${firstToken ? ` (first token ${formatNumber(firstToken - started)} ms)` : ""}`, "meta-latency"),
      metaItem("Tokens", `${done.promptTokens} in · ${done.completionTokens} out`, "meta-tokens"),
      metaItem("Cost", formatUsd(done.costUsd), "meta-cost"),
      metaItem("Cache", done.cache === "miss" ? "miss" : `hit (${done.cache})`, "meta-cache"),
      metaItem("PII masked", done.maskedPii.length ? done.maskedPii.join(", ") : "none", "meta-pii")),
    renderCitations(turn, done.citations, message, collection),
    renderFeedback(done.responseId));
  setStatus(status, `Answered by ${done.model} in ${formatNumber(elapsed)} ms.`, "ok");
}

export function initPlayground() {
  const form = $("chat-form");
  const input = $("chat-message");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message || inFlight) {
      return;
    }
    input.value = "";
    sendMessage(message).finally(() => input.focus());
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("chat-stop").addEventListener("click", () => inFlight?.abort());
  $("chat-new").addEventListener("click", () => {
    conversationId = null;
    $("conversation").replaceChildren();
    setStatus($("chat-status"), "New conversation.");
    input.focus();
  });
}
