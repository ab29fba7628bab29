import { download, getJson, postJson, getKey } from "./api.js";
import { lineChart } from "./charts.js";
import { el, setStatus, formatNumber, formatPercent, formatTime, formatUsd } from "./dom.js";

const $ = (id) => document.getElementById(id);

let timer = null;
let visible = false;
let loading = false;

function total(label, value, testId) {
  return el("div", {}, el("dt", { text: label }), el("dd", { text: value, "data-testid": testId }));
}

function renderTotals(summary, models) {
  const t = summary.total;
  const up = models.models.reduce((sum, m) => sum + m.feedbackUp, 0);
  const down = models.models.reduce((sum, m) => sum + m.feedbackDown, 0);
  $("dash-totals").replaceChildren(
    total("Requests", formatNumber(t.requests), "total-requests"),
    total("Errors", formatNumber(t.errors), "total-errors"),
    total("Latency p50", `${formatNumber(t.latencyP50Ms)} ms`, "total-p50"),
    total("Latency p95", `${formatNumber(t.latencyP95Ms)} ms`, "total-p95"),
    total("Tokens in / out", `${formatNumber(t.tokensIn)} / ${formatNumber(t.tokensOut)}`, "total-tokens"),
    total("Cost", formatUsd(t.costUsd), "total-cost"),
    total("Feedback helpful / not", `${up} / ${down}`, "total-feedback"),
    total("Feedback score", up + down ? formatPercent(up / (up + down)) : "–", "total-score"));
}

function renderCharts(series) {
  const times = series.points.map((p) => new Date(p.start));
  const pick = (f) => series.points.map(f);
  const ms = (v) => `${formatNumber(v)} ms`;
  $("dash-charts").replaceChildren(
    lineChart({ id: "chart-requests", title: "Requests", times, series: [{ name: "requests", values: pick((p) => p.requests) }], format: formatNumber }),
    lineChart({ id: "chart-errors", title: "Errors", times, series: [{ name: "errors", values: pick((p) => p.errors) }], format: formatNumber }),
    lineChart({
      id: "chart-latency", title: "Latency (ms)", times, format: ms,
      series: [{ name: "p50", values: pick((p) => (p.requests ? p.latencyP50Ms : null)) }, { name: "p95", values: pick((p) => (p.requests ? p.latencyP95Ms : null)) }],
    }),
    lineChart({ id: "chart-cost", title: "Cost (USD)", times, series: [{ name: "cost", values: pick((p) => Number(p.costUsd)) }], format: formatUsd }),
    lineChart({
      id: "chart-feedback", title: "Feedback score (share helpful)", times, format: formatPercent, axisFormat: (v) => `${Math.round(v * 100)} %`,
      series: [{ name: "score", values: pick((p) => (p.feedbackUp + p.feedbackDown ? p.feedbackUp / (p.feedbackUp + p.feedbackDown) : null)) }],
    }));
}

function renderModels(models) {
  const tbody = $("dash-models").querySelector("tbody");
  if (models.models.length === 0) {
    tbody.replaceChildren(el("tr", {}, el("td", { colspan: "10", class: "empty", text: "No requests yet." })));
    return;
  }
  tbody.replaceChildren(...models.models.map((m) => el("tr", { "data-testid": "model-row", "data-model": m.model },
    el("th", { scope: "row", text: m.model }),
    el("td", { class: "num", text: formatNumber(m.requests) }),
    el("td", { class: "num", text: formatPercent(m.errorRate) }),
    el("td", { class: "num", text: formatNumber(m.latencyP50Ms) }),
    el("td", { class: "num", text: formatNumber(m.latencyP95Ms) }),
    el("td", { class: "num", text: formatUsd(m.costUsd) }),
    el("td", { class: "num", text: formatUsd(m.costPerRequestUsd) }),
    el("td", { class: "num", "data-testid": "feedback-up", text: String(m.feedbackUp) }),
    el("td", { class: "num", "data-testid": "feedback-down", text: String(m.feedbackDown) }),
    el("td", { class: "num", text: formatPercent(m.feedbackScore) }))));
}

function renderAlerts(alerts) {
  const list = $("dash-alerts");
  if (alerts.length === 0) {
    list.replaceChildren(el("li", { class: "empty", text: "No alerts." }));
    return;
  }
  list.replaceChildren(...alerts.map((a) => el("li", { "data-testid": "alert" },
    el("strong", { text: `${a.rule}` }),
    ` — ${a.metric} ${formatNumber(a.value)} over ${formatNumber(a.threshold)}${a.model ? ` on ${a.model}` : ""} (${a.requests} requests), ${formatTime(a.raisedAt)}`)));
}

function renderDatasets(datasets) {
  const list = $("dash-datasets");
  if (datasets.length === 0) {
    list.replaceChildren(el("li", { class: "empty", text: "No exports yet." }));
    return;
  }
  list.replaceChildren(...datasets.map((d) => el("li", { "data-testid": "dataset" },
    `${d.datasetId}: ${d.count} examples, ${formatTime(d.from)} – ${formatTime(d.to)} `,
    el("button", {
      type: "button", class: "secondary", "aria-label": `Download ${d.datasetId}`, text: "Download",
      onclick: async () => {
        try {
          await download(`/api/quality/datasets/${encodeURIComponent(d.datasetId)}`, `${d.datasetId}.jsonl`);
        } catch (error) {
          setStatus($("dash-status"), `Download failed: ${error.message}`, "error");
        }
      },
    }),
    el("span", { class: "hint", text: ` sha256 ${d.sha256.slice(0, 12)}…` }))));
}

export async function refreshDashboard() {
  if (loading || !getKey()) {
    if (!getKey()) {
      setStatus($("dash-status"), "Enter a key to see the figures.", "error");
    }
    return;
  }
  loading = true;
  const [minutes, bucket] = $("dash-range").value.split(":");
  const to = new Date();
  const from = new Date(to.getTime() - Number(minutes) * 60_000);
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), bucket });
  try {
    const [summary, models, series, alerts, datasets] = await Promise.all([
      getJson("/api/quality/summary"),
      getJson("/api/quality/models"),
      getJson(`/api/quality/timeseries?${query}`),
      getJson("/api/quality/alerts"),
      getJson("/api/quality/datasets"),
    ]);
    renderTotals(summary, models);
    renderCharts(series);
    renderModels(models);
    renderAlerts(alerts);
    renderDatasets(datasets);
    $("dash-status").dataset.updated = String(Date.now());
    setStatus($("dash-status"), `Updated ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    setStatus($("dash-status"), `Could not load the figures: ${error.message}`, "error");
  } finally {
    loading = false;
  }
}

function schedule() {
  clearInterval(timer);
  timer = null;
  const seconds = Number($("dash-refresh").value);
  if (visible && seconds > 0) {
    timer = setInterval(refreshDashboard, seconds * 1_000);
  }
}

export function showDashboard() {
  visible = true;
  refreshDashboard();
  schedule();
}

export function hideDashboard() {
  visible = false;
  schedule();
}

export function initDashboard() {
  $("dash-refresh").addEventListener("change", schedule);
  $("dash-range").addEventListener("change", refreshDashboard);
  $("dash-refresh-now").addEventListener("click", refreshDashboard);
  $("dash-export").addEventListener("click", async () => {
    setStatus($("dash-status"), "Exporting…");
    try {
      const { body } = await postJson("/api/quality/datasets", undefined);
      setStatus($("dash-status"), `Exported ${body.datasetId} with ${body.count} examples.`, "ok");
    } catch (error) {
      setStatus($("dash-status"), `Export failed: ${error.message}`, "error");
    }
    await refreshDashboard();
  });
}
