// Small DOM helpers: elements are built with textContent only, never innerHTML, so API text cannot inject markup.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === "text") {
      node.textContent = value;
    } else if (name === "class") {
      node.className = value;
    } else if (name.startsWith("on")) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? "" : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function setStatus(node, message, state = "") {
  node.textContent = message;
  if (state) {
    node.dataset.state = state;
  } else {
    delete node.dataset.state;
  }
}

const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function formatNumber(value) {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : numbers.format(value);
}

export function formatUsd(value) {
  const amount = Number(value ?? 0);
  if (amount === 0) {
    return "$0";
  }
  return amount < 0.01 ? `$${amount.toPrecision(2)}` : amount < 1 ? `$${amount.toFixed(3)}` : `$${amount.toFixed(2)}`;
}

export function formatPercent(value) {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)} %`;
}

export function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}
