/**
 * `/widget.js`: the `<loyalty-widget token="wt_…">` custom element that merchants embed. It has no
 * dependencies and talks only to the edge it was loaded from. It works under a strict
 * Content-Security-Policy with Trusted Types: no inline script or style, no eval, no innerHTML;
 * the shadow root is styled with a constructable stylesheet and all text is set with textContent.
 * The script is plain ES2017 so that it needs no build step of its own.
 */
export const WIDGET_SCRIPT = `"use strict";
(function () {
  var TAG = "loyalty-widget";
  if (window.customElements.get(TAG)) return;
  var current = document.currentScript;
  var DEFAULT_API = current && current.src ? new URL(current.src).origin : window.location.origin;
  var MAX_TIMER_MS = 86400000;
  var STYLE = [
    ":host{display:block;font:15px/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:28rem}",
    "section{border:1px solid #c8ccd6;border-radius:8px;padding:1rem}",
    "h2{font-size:1.1rem;margin:0 0 .5rem}h3{font-size:1rem;margin:1rem 0 .25rem}",
    ".balance{font-size:1.6rem;font-weight:700;margin:0}",
    "ul{list-style:none;padding:0;margin:0}li{display:flex;justify-content:space-between;gap:1rem;padding:.2rem 0;border-bottom:1px solid #eef0f4}",
    "form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-top:1rem}",
    "label{display:flex;flex-direction:column;font-weight:600}",
    "input{font:inherit;padding:.35rem .5rem;width:8rem;border:1px solid #6b7280;border-radius:4px}",
    "button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer}",
    "button.secondary{background:#fff;color:#1d4ed8}button:disabled{opacity:.6;cursor:default}",
    ":focus-visible{outline:3px solid #f59e0b;outline-offset:2px}",
    ".hint{flex-basis:100%;margin:0;color:#4b5563;font-size:.9rem}",
    ".status{min-height:1.5em;margin:.75rem 0 0}.status.error{color:#b91c1c}",
    "[hidden]{display:none!important}"
  ].join("");
  var MESSAGES = {
    below_floor: "That is below the smallest redemption allowed.",
    insufficient_points: "You do not have enough points for that.",
    reversal_window_closed: "This redemption can no longer be reversed.",
    already_voided: "This redemption has already been reversed.",
    rate_limited: "Too many attempts. Please wait a minute and try again.",
    unauthorized: "This session has ended. Please reload the page.",
    validation_failed: "Please enter a whole number of points."
  };
  var TYPE_LABELS = {
    accrual: "Earned", redemption: "Redeemed", expiry: "Expired", void: "Reversed", refund: "Refunded"
  };
  var sheet = null;

  function styles() {
    if (sheet === null) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    }
    return sheet;
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function idempotencyKey() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function tokenIdOf(token) {
    var parts = String(token || "").split("_");
    return parts.length === 4 && parts[0] === "wt" ? "wtk_" + parts[1] + "_" + parts[2] : "";
  }

  var numbers = new Intl.NumberFormat();
  var dates = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

  class LoyaltyWidget extends HTMLElement {
    static get observedAttributes() { return ["token"]; }

    constructor() {
      super();
      this.floor = 0;
      this.lastRedemption = null;
      this.closeTimer = 0;
      this.build();
    }

    build() {
      var root = this.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [styles()];
      var section = el("section", { "aria-labelledby": "title" });
      section.appendChild(el("h2", { id: "title" }, this.getAttribute("heading") || "Your points"));
      this.balance = el("p", { class: "balance", id: "balance" }, "…");
      section.appendChild(this.balance);
      section.appendChild(el("h3", { id: "recent" }, "Recent activity"));
      this.entries = el("ul", { "aria-labelledby": "recent" });
      section.appendChild(this.entries);
      section.appendChild(this.buildForm());
      this.reverseButton = el("button", { type: "button", class: "secondary", hidden: "" }, "Reverse last redemption");
      this.reverseButton.addEventListener("click", this.reverse.bind(this));
      section.appendChild(this.reverseButton);
      this.status = el("p", { class: "status", role: "status", "aria-live": "polite" });
      section.appendChild(this.status);
      root.appendChild(section);
    }

    buildForm() {
      // The widget checks the floor itself and says why in its live region, which screen readers
      // announce; the browser's own validation bubble is not announced reliably.
      var form = el("form", { "aria-label": "Redeem points", novalidate: "" });
      var label = el("label", { for: "points" }, "Points to redeem");
      this.input = el("input", { id: "points", name: "points", type: "number", inputmode: "numeric", min: "1", step: "1", required: "", "aria-describedby": "hint" });
      label.appendChild(this.input);
      form.appendChild(label);
      this.submitButton = el("button", { type: "submit" }, "Redeem");
      form.appendChild(this.submitButton);
      this.hint = el("p", { class: "hint", id: "hint" });
      form.appendChild(this.hint);
      form.addEventListener("submit", this.redeem.bind(this));
      return form;
    }

    connectedCallback() { this.refresh(); }

    disconnectedCallback() { window.clearTimeout(this.closeTimer); }

    attributeChangedCallback(name, before, after) {
      if (before !== null && before !== after && this.isConnected) this.refresh();
    }

    request(method, path, body) {
      var token = this.getAttribute("token") || "";
      var base = this.getAttribute("api") || DEFAULT_API;
      var url = new URL(path, base);
      url.searchParams.set("token_id", tokenIdOf(token));
      var headers = { authorization: "Bearer " + token };
      if (method === "POST") {
        headers["idempotency-key"] = idempotencyKey();
        headers["content-type"] = "application/json";
      }
      return window.fetch(url.toString(), {
        method: method,
        headers: headers,
        body: method === "POST" ? JSON.stringify(body || {}) : undefined,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) throw json;
          return json;
        });
      });
    }

    refresh() {
      var self = this;
      return this.request("GET", "/v1/widget/me").then(function (me) {
        self.render(me);
      }, function (problem) { self.say(problem, true); });
    }

    render(me) {
      this.floor = me.widget.redemption_floor;
      this.balance.textContent = numbers.format(me.balance.available) + " points";
      this.input.min = String(Math.max(1, this.floor));
      this.input.max = String(me.balance.available);
      this.hint.textContent = this.floor > 1 ? "At least " + numbers.format(this.floor) + " points." : "";
      this.entries.textContent = "";
      var list = this.entries;
      me.entries.forEach(function (entry) {
        var item = el("li");
        var what = (TYPE_LABELS[entry.type] || entry.type) + " " + numbers.format(Math.abs(entry.points));
        item.appendChild(el("span", {}, what));
        item.appendChild(el("time", { datetime: entry.created_at }, dates.format(new Date(entry.created_at))));
        list.appendChild(item);
      });
      if (me.entries.length === 0) list.appendChild(el("li", {}, "No activity yet."));
      var open = me.widget.reversible[0];
      if (open) this.openReversal(open.entry_id, Date.parse(open.reversible_until) - Date.now());
      else this.closeReversal();
    }

    redeem(event) {
      event.preventDefault();
      var self = this;
      var points = Number(this.input.value);
      if (!Number.isInteger(points) || points < Math.max(1, this.floor)) {
        this.say({ detail: "Enter at least " + numbers.format(Math.max(1, this.floor)) + " points." }, true);
        this.input.focus();
        return;
      }
      this.busy(true);
      this.request("POST", "/v1/widget/redemptions", { points: points }).then(function () {
        self.input.value = "";
        self.say({ detail: "Redeemed " + numbers.format(points) + " points." }, false);
        return self.refresh();
      }, function (problem) { self.say(problem, true); }).then(function () { self.busy(false); });
    }

    openReversal(entryId, remainingMs) {
      this.lastRedemption = entryId;
      this.reverseButton.hidden = remainingMs <= 0;
      window.clearTimeout(this.closeTimer);
      this.closeTimer = window.setTimeout(this.closeReversal.bind(this), Math.max(0, Math.min(remainingMs, MAX_TIMER_MS)));
    }

    closeReversal() {
      window.clearTimeout(this.closeTimer);
      this.reverseButton.hidden = true;
      this.lastRedemption = null;
    }

    reverse() {
      var self = this;
      if (this.lastRedemption === null) return;
      this.busy(true);
      this.request("POST", "/v1/widget/redemptions/" + encodeURIComponent(this.lastRedemption) + "/reverse").then(function () {
        self.closeReversal();
        self.say({ detail: "Your redemption was reversed." }, false);
        self.input.focus();
        return self.refresh();
      }, function (problem) {
        self.closeReversal();
        self.say(problem, true);
      }).then(function () { self.busy(false); });
    }

    busy(on) {
      this.submitButton.disabled = on;
      this.reverseButton.disabled = on;
    }

    say(problem, isError) {
      var text = (problem && MESSAGES[problem.code]) || (isError && !problem.detail ? "Something went wrong. Please try again." : problem.detail);
      if (isError && problem && problem.code && !MESSAGES[problem.code]) text = "Something went wrong. Please try again.";
      this.status.className = isError ? "status error" : "status";
      this.status.textContent = text;
    }
  }

  window.customElements.define(TAG, LoyaltyWidget);
})();
`;
