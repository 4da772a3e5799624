// The JavaScript that runs inside report.html: reads the embedded chart specs (chartSpecs.ts),
// draws each with Chart.js, and publishes what it drew on `window.__derchainReport` (chart id,
// dataset count, data points, errors) so a headless browser check can verify every chart.
// Kept as a string so the page stays one self-contained file.

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var state = { ready: false, charts: [], errors: [] };
  window.__derchainReport = state;
  function withAlpha(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((v >> 16) & 255) + ',' + ((v >> 8) & 255) + ',' + (v & 255) + ',' + alpha + ')';
  }
  var payload = JSON.parse(document.getElementById('report-data').textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#3b4656';
  Chart.defaults.borderColor = 'rgba(60, 72, 88, 0.12)';
  payload.charts.forEach(function (spec) {
    var canvas = document.getElementById('chart-' + spec.id);
    var few = spec.labels.length <= 60;
    var datasets = spec.series.map(function (s) {
      var fillColor = withAlpha(s.color, s.noLine || s.fill === '-1' ? 0.16 : 0.22);
      return {
        type: s.bar ? 'bar' : 'line',
        label: s.label,
        data: s.data,
        borderColor: s.color,
        backgroundColor: s.bar ? withAlpha(s.color, 0.85) : s.fill ? fillColor : s.color,
        borderWidth: s.bar ? 0 : s.noLine ? 0 : 1.8,
        borderDash: s.dashed ? [6, 4] : [],
        fill: s.fill || false,
        pointRadius: spec.logY && few ? 2.5 : 0,
        pointHoverRadius: 4,
        stepped: spec.stepped && few ? 'after' : false,
        tension: 0,
        spanGaps: true,
        barPercentage: 1,
        categoryPercentage: 0.9,
      };
    });
    var config = {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        normalized: true,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: {
            position: 'bottom',
            labels: {
              boxWidth: 14,
              boxHeight: 3,
              padding: 10,
              filter: function (item) { return !/^(lowest|highest) pair price$/.test(item.text); },
            },
          },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed.y;
                return ' ' + ctx.dataset.label + ': ' + (v === null ? '-' : Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));
              },
            },
          },
        },
        scales: {
          x: {
            stacked: !!spec.stacked,
            title: { display: true, text: spec.xTitle, font: { weight: '600' } },
            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: spec.labels.length > 48 ? 8 : 13 },
            grid: { display: false },
          },
          y: {
            type: spec.logY ? 'logarithmic' : 'linear',
            stacked: !!spec.stacked,
            title: { display: true, text: spec.yTitle, font: { weight: '600' } },
            ticks: spec.logY ? { callback: function (v) { var e = Math.log10(v); return Math.abs(e - Math.round(e)) < 1e-9 ? '1e' + Math.round(e) : ''; } } : {},
          },
        },
      },
    };
    try {
      var chart = new Chart(canvas, config);
      var points = 0;
      chart.data.datasets.forEach(function (d) {
        d.data.forEach(function (v) { if (v !== null && v !== undefined && isFinite(v)) points += 1; });
      });
      state.charts.push({ id: spec.id, datasets: chart.data.datasets.length, points: points });
    } catch (err) {
      state.errors.push(spec.id + ': ' + (err && err.message));
      console.error('derchain report: chart ' + spec.id + ' failed: ' + (err && err.message));
    }
  });
  state.ready = true;
  document.body.setAttribute('data-charts-ready', String(state.charts.length));
})();
`;
