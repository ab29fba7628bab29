// The public API through this gateway: every call carries the key the user entered (session storage only).
const KeyName = "aiaspire.apiKey";

export function getKey() {
  return sessionStorage.getItem(KeyName) ?? "";
}

export function setKey(key) {
  if (key) {
    sessionStorage.setItem(KeyName, key);
  } else {
    sessionStorage.removeItem(KeyName);
  }
}

/** An error with what the API said: the problem+json title/detail when there is one. */
export class ApiError extends Error {
  constructor(status, message, type) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

function headers(extra) {
  const result = new Headers(extra);
  const key = getKey();
  if (key) {
    result.set("Authorization", `Bearer ${key}`);
  }
  return result;
}

export async function problemOf(response) {
  let message = `${response.status} ${response.statusText}`;
  let type;
  try {
    const text = await response.text();
    if (text) {
      const body = JSON.parse(text);
      message = body.detail || body.title || message;
      type = body.type;
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  if (response.status === 401) {
    message = `The key was refused (401): ${message}`;
  } else if (response.status === 403) {
    message = `The key lacks the scope for this (403): ${message}`;
  } else if (response.status === 429) {
    const retry = response.headers.get("Retry-After");
    message = `Rate limited (429)${retry ? `, retry in ${retry} s` : ""}: ${message}`;
  }
  return new ApiError(response.status, message, type);
}

/** Sends a request; JSON bodies are serialized, FormData goes as multipart. Returns the raw response when ok. */
export async function send(method, path, body, { signal, accept } = {}) {
  const init = { method, headers: headers(accept ? { Accept: accept } : undefined), signal, cache: "no-store" };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers.set("Content-Type", "application/json");
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    throw await problemOf(response);
  }
  return response;
}

export async function getJson(path, options) {
  const response = await send("GET", path, undefined, options);
  return response.json();
}

export async function postJson(path, body, options) {
  const response = await send("POST", path, body, options);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * Reads a server-sent event stream: calls onEvent(name, data) for every event in order; comment lines
 * (": aiaspire-usage …") are skipped. Resolves when the stream ends.
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const dispatch = (block) => {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":") || line === "") {
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) {
        value = value.slice(1);
      }
      if (field === "event") {
        name = value;
      } else if (field === "data") {
        data.push(value);
      }
    }
    if (data.length > 0) {
      onEvent(name, data.join("\n"));
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
  buffer += decoder.decode();
  if (buffer.trim()) {
    dispatch(buffer);
  }
}

/** Fetches a file with the key and hands it to the browser as a download. */
export async function download(path, fileName) {
  const response = await send("GET", path);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
