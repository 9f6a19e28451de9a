/* The query page: YASGUI over this server's /sparql, one tab per competency query, results as a
   table or a bar chart. Loaded as a file (the pages allow no inline script); without it, or
   without JavaScript, the page keeps its plain form. Nothing here talks to another host. */
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  if (!holder || typeof window.Yasgui === "undefined") { return; }
  var config = JSON.parse(holder.getAttribute("data-config"));
  var endpoint = window.location.origin + config.endpoint;
  var SVG = "http://www.w3.org/2000/svg";

  function svg(name, attrs, text) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  /* A YASR plugin: horizontal bars, one per row, labelled by the first column that is not a
     number and sized by the first column that is (or, with no number, rows counted per label). */
  function BarChart(yasr) { this.yasr = yasr; this.priority = 5; this.label = "Chart"; }
  BarChart.prototype.canHandleResults = function () {
    var r = this.yasr.results;
    return !!(r && r.getBindings && r.getVariables && r.getBindings() && r.getBindings().length > 0);
  };
  BarChart.prototype.getIcon = function () {
    var icon = svg("svg", { viewBox: "0 0 10 10", width: 14, height: 14 });
    icon.appendChild(svg("rect", { x: 0, y: 1, width: 9, height: 2 }));
    icon.appendChild(svg("rect", { x: 0, y: 4, width: 6, height: 2 }));
    icon.appendChild(svg("rect", { x: 0, y: 7, width: 3, height: 2 }));
    return icon;
  };
  BarChart.prototype.draw = function () {
    var rows = this.yasr.results.getBindings();
    var vars = this.yasr.results.getVariables();
    var isNumber = function (b) { return b && b.type === "literal" && b.value !== "" && !isNaN(Number(b.value)); };
    var numeric = vars.filter(function (v) { return rows.every(function (r) { return !r[v] || isNumber(r[v]); }) && rows.some(function (r) { return isNumber(r[v]); }); })[0];
    var label = vars.filter(function (v) { return v !== numeric; })[0] || vars[0];
    var bars = [];
    if (numeric) {
      rows.forEach(function (r) { bars.push([r[label] ? r[label].value : "", r[numeric] ? Number(r[numeric].value) : 0]); });
    } else {
      var counts = {};
      rows.forEach(function (r) { var k = r[label] ? r[label].value : ""; counts[k] = (counts[k] || 0) + 1; });
      Object.keys(counts).forEach(function (k) { bars.push([k, counts[k]]); });
    }
    bars = bars.slice(0, 60);
    var top = Math.max.apply(null, bars.map(function (b) { return b[1]; }).concat([1]));
    var width = 720, labelWidth = 260, row = 24;
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + (row * bars.length + 8), role: "img", "class": "yasr-chart" });
    chart.appendChild(svg("title", {}, (numeric || "count") + " by " + label));
    bars.forEach(function (b, i) {
      var name = b[0].replace(/^.*[\/#]/, function (m) { return b[0].indexOf("http") === 0 ? "" : m; });
      var g = svg("g", { "data-label": b[0], "data-value": b[1] });
      g.appendChild(svg("title", {}, b[0] + ": " + b[1]));
      g.appendChild(svg("text", { x: labelWidth - 8, y: 4 + i * row + 15, "text-anchor": "end", "class": "bar-label" },
        name.length > 36 ? name.slice(0, 35) + "…" : name));
      var w = Math.max(2, Math.round((width - labelWidth - 60) * b[1] / top));
      g.appendChild(svg("rect", { x: labelWidth, y: 4 + i * row, width: w, height: 17, "class": "bar" }));
      g.appendChild(svg("text", { x: labelWidth + w + 6, y: 4 + i * row + 15, "class": "bar-value" }, String(b[1])));
      chart.appendChild(g);
    });
    this.yasr.resultsEl.appendChild(chart);
  };

  Yasgui.Yasr.registerPlugin("chart", BarChart);
  document.documentElement.classList.add("js");
  holder.hidden = false;
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    tabName: "query",
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: [],
      renderItem: function (data, source) {
        var span = document.createElement("span");
        span.textContent = data.value ? data.value.endpoint : endpoint;
        source.appendChild(span);
      }
    },
    yasqe: { value: config.query, autocompleters: ["variables"] },
    yasr: { pluginOrder: ["table", "chart", "response"], defaultPlugin: "table", persistenceId: null }
  });
  config.examples.forEach(function (example) {
    yasgui.addTab(false, { name: example.name, yasqe: { value: example.query }, requestConfig: { endpoint: endpoint } });
  });
  window.dtkgYasgui = yasgui;
})();
