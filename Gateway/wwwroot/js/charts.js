// Hand-written SVG line charts: no library, no CDN. Colours come from CSS classes (series-0, -1, -2).
import { el } from "./dom.js";

const Svg = "http://www.w3.org/2000/svg";
const Width = 360;
const Height = 160;
const Pad = { left: 54, right: 8, top: 8, bottom: 22 };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(Svg, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function niceMax(value) {
  if (!(value > 0)) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * magnitude) {
      return step * magnitude;
    }
  }
  return 10 * magnitude;
}

function shortTime(date, spanMs) {
  return spanMs > 36 * 3_600_000
    ? date.toLocaleDateString(undefined, { month: "short", day: "numeric" })
    : date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/**
 * A line chart of one or more series over the same time points. A null value is a gap (e.g. no feedback in a bucket).
 * series: [{ name, values: (number|null)[] }]; times: Date[]; format: number → label; axisFormat: the same, short, for the y axis.
 */
export function lineChart({ title, times, series, format, axisFormat = format, id }) {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && Number.isFinite(v));
  const max = niceMax(Math.max(0, ...all));
  const plotWidth = Width - Pad.left - Pad.right;
  const plotHeight = Height - Pad.top - Pad.bottom;
  const x = (i) => Pad.left + (times.length <= 1 ? plotWidth / 2 : (i / (times.length - 1)) * plotWidth);
  const y = (v) => Pad.top + plotHeight - (v / max) * plotHeight;

  const latest = series.map((s) => {
    const last = [...s.values].reverse().find((v) => v !== null && Number.isFinite(v));
    return `${s.name} ${last === undefined ? "no data" : format(last)}`;
  });
  const summary = `${title}: ${times.length} points; latest ${latest.join(", ")}; peak ${all.length ? format(Math.max(...all)) : "no data"}.`;
  const chart = svg("svg", { viewBox: `0 0 ${Width} ${Height}`, role: "img", "aria-label": summary, preserveAspectRatio: "xMidYMid meet" });
  chart.append(svg("title", {}, summary));

  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    chart.append(
      svg("line", { class: "axis", x1: Pad.left, x2: Width - Pad.right, y1: y(value), y2: y(value) }),
      svg("text", { class: "axis-label", x: Pad.left - 4, y: y(value) + 4, "text-anchor": "end" }, axisFormat(value)));
  }
  if (times.length > 0) {
    const span = times[times.length - 1] - times[0];
    chart.append(
      svg("text", { class: "axis-label", x: Pad.left, y: Height - 6, "text-anchor": "start" }, shortTime(times[0], span)),
      svg("text", { class: "axis-label", x: Width - Pad.right, y: Height - 6, "text-anchor": "end" }, shortTime(times[times.length - 1], span)));
  }

  series.forEach((s, index) => {
    let path = "";
    let pen = false;
    s.values.forEach((value, i) => {
      if (value === null || !Number.isFinite(value)) {
        pen = false;
        return;
      }
      path += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
      pen = true;
    });
    if (path) {
      chart.append(svg("path", { class: `line series-${index}`, d: path }));
    }
    // Lone points (a gap on both sides) would be invisible as a path: mark them.
    s.values.forEach((value, i) => {
      const alone = value !== null && Number.isFinite(value)
        && (i === 0 || s.values[i - 1] === null) && (i === s.values.length - 1 || s.values[i + 1] === null);
      if (alone) {
        chart.append(svg("circle", { class: `line series-${index}`, cx: x(i), cy: y(value), r: 2 }));
      }
    });
  });

  const legend = series.length > 1
    ? el("ul", { class: "legend", "aria-hidden": "true" }, series.map((s, index) => el("li", {}, el("span", { class: `swatch series-${index}` }), s.name)))
    : null;
  return el("figure", { class: "chart", "data-testid": id }, el("figcaption", { text: title }), chart, legend);
}
