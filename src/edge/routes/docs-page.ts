/**
 * The interactive API reference at /docs. It is rendered in the browser from /openapi.json by a
 * small script of our own, so the page loads nothing from third parties and runs under a strict
 * Content-Security-Policy (no inline script or style). Text from the document is only ever set with
 * textContent, never parsed as HTML.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LoyaltyOS API reference</title>
<link rel="stylesheet" href="/docs/app.css">
<script src="/docs/app.js" defer></script>
</head>
<body>
<header><h1>LoyaltyOS API reference</h1>
<label>API key <input id="token" type="password" autocomplete="off" placeholder="lk_…"></label>
</header>
<main id="operations" aria-live="polite"><p>Loading the OpenAPI document…</p></main>
<section id="security-policy"><h2>Security policy</h2>
<p>Report vulnerabilities to the contact in /.well-known/security.txt. We acknowledge reports within
two working days and do not pursue good-faith research that respects customers' data.</p>
</section>
</body>
</html>
`;

export const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
details{border:1px solid #ccd;border-radius:6px;margin:.5rem 0;padding:.5rem 1rem}
summary{cursor:pointer;font-weight:600}
.method{display:inline-block;min-width:4.5rem;text-transform:uppercase;font-family:monospace}
pre{background:#f4f5f8;padding:.5rem;overflow:auto;max-height:24rem}
textarea{width:100%;min-height:6rem;font-family:monospace}
button{margin:.5rem 0}
`;

export const DOCS_SCRIPT = `"use strict";
(function () {
  const main = document.getElementById("operations");
  const tokenInput = document.getElementById("token");

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function resolve(spec, schema) {
    if (schema && schema.$ref) {
      const name = schema.$ref.split("/").pop();
      return spec.components.schemas[name];
    }
    return schema;
  }

  function tryIt(method, path, operation) {
    const form = element("form");
    const params = (path.match(/{[^}]+}/g) || []).map(function (name) {
      const label = element("label", name.slice(1, -1) + " ");
      const input = element("input");
      input.name = name;
      label.appendChild(input);
      form.appendChild(label);
      return input;
    });
    const hasBody = operation.requestBody !== undefined;
    const body = element("textarea");
    body.setAttribute("aria-label", "Request body (JSON)");
    body.value = "{}";
    if (hasBody) form.appendChild(body);
    const send = element("button", "Send request");
    send.type = "submit";
    form.appendChild(send);
    const output = element("pre");
    output.setAttribute("aria-live", "polite");
    form.appendChild(output);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      let url = path;
      params.forEach(function (input) { url = url.replace(input.name, encodeURIComponent(input.value)); });
      const headers = { authorization: "Bearer " + tokenInput.value };
      if (hasBody) {
        headers["content-type"] = "application/json";
        headers["idempotency-key"] = crypto.randomUUID();
      }
      const response = await fetch(url, { method: method.toUpperCase(), headers: headers, body: hasBody ? body.value : undefined });
      output.textContent = response.status + " " + response.statusText + "\\n" + (await response.text());
    });
    return form;
  }

  function render(spec) {
    main.textContent = "";
    main.appendChild(element("p", spec.info.title + " " + spec.info.version + ". " + (spec.info.description || "")));
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        const operation = spec.paths[path][method];
        const details = element("details");
        const summary = element("summary");
        summary.appendChild(element("span", method, "method"));
        summary.appendChild(document.createTextNode(path + " — " + (operation.summary || "")));
        details.appendChild(summary);
        if (operation.description) details.appendChild(element("p", operation.description));
        const content = operation.requestBody && operation.requestBody.content["application/json"];
        if (content) {
          details.appendChild(element("h4", "Request body"));
          details.appendChild(element("pre", JSON.stringify(resolve(spec, content.schema), null, 2)));
        }
        details.appendChild(element("h4", "Responses"));
        const list = element("ul");
        Object.keys(operation.responses).forEach(function (status) {
          list.appendChild(element("li", status + ": " + operation.responses[status].description));
        });
        details.appendChild(list);
        details.appendChild(tryIt(method, path, operation));
        main.appendChild(details);
      });
    });
  }

  fetch("/openapi.json").then(function (response) { return response.json(); }).then(render, function () {
    main.textContent = "The OpenAPI document could not be loaded.";
  });
})();
`;
