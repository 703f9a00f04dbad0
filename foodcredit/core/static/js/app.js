/* FoodCredit front-end glue: no framework, htmx does the requests. Loaded with `defer`. */
(function () {
  "use strict";

  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.chartReady) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: ["#1f4e8c", "#3a8dde", "#e3a21a", "#c0392b", "#7f8c8d", "#2e8b57", "#8e44ad", "#16a085", "#d35400", "#34495e", "#95a5a6"],
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, type: "scroll" },
        // Every category named (twelve streets do not fit side by side: slanted then).
        grid: { left: 40, right: 16, top: 40, bottom: data.years.length > 6 ? 64 : 28 },
        xAxis: { type: "category", data: data.years, axisLabel: { interval: 0, rotate: data.years.length > 6 ? 35 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "entries", data: s.data, barMaxWidth: 36 };
        }),
      });
      // A figure opens its list: data.links[series][category] is the address of the rows a bar counts.
      if (data.links) {
        el.classList.add("chart-clickable");
        chart.on("click", function (p) {
          var row = data.links[p.seriesIndex];
          if (row && row[p.dataIndex]) window.location.href = row[p.dataIndex];
        });
      }
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function autosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  // A form whose answer takes seconds and arrives as a download (a credit report's PDF): its button says so while the
  // server works, and comes back after a while (a download fires no event the page could wait for).
  function busyForms(root) {
    root.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (!button || button.disabled) return;
        var label = button.textContent;
        button.textContent = form.dataset.busy;
        button.setAttribute("aria-busy", "true");
        setTimeout(function () { button.disabled = true; }, 0);  // disabled after the submit has gone
        setTimeout(function () {
          button.textContent = label;
          button.disabled = false;
          button.removeAttribute("aria-busy");
        }, 8000);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderCharts(document);
    autosubmit(document);
    busyForms(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { renderCharts(event.target); });
})();
