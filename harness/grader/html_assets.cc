// The report's inline style and script. See html_parts.h for the classes they rely on.
//
// The script only moves what the page already shows: it reads the steps from each
// section's JSON (never from the HTML), sets text with textContent (never innerHTML), and
// when it does not run the page still shows every thread's position at the failure.
// `#step=N` in the address opens every section at step N (1-based), for links and tests.
#include "html_parts.h"

namespace lab::grader::html {

const char kStyle[] = R"CSS(
:root{--fail:#b3261e;--pass:#176f2c;--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--cursor:#2563eb}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--ink);background:#f6f8fa}
header{background:#fff;border-bottom:1px solid var(--line);padding:14px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header h1{font-size:20px;margin:0}
.score{font-size:18px;font-weight:600}
.score.full{color:var(--pass)}.score.partial{color:var(--fail)}
main{padding:12px 24px 40px;max-width:1600px}
table.scen{border-collapse:collapse;background:#fff;border:1px solid var(--line);margin:8px 0 16px}
table.scen td,table.scen th{padding:4px 12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.pass{color:var(--pass);font-weight:700}.fail{color:var(--fail);font-weight:700}
table.scen a{color:inherit}
section.lab-failure,section.plain{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:0 0 20px}
section h2{font-size:17px;margin:0 0 6px}
.finding{border-left:4px solid var(--fail);padding:6px 10px;background:#fff5f5;margin:6px 0 10px}
.finding .id{font-family:ui-monospace,monospace;color:var(--fail);font-weight:700}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);margin:12px 0 6px}
.lanes{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:#fcfcfd}
.lanes svg{display:block}
svg text{font-family:system-ui,sans-serif}
.stepper{display:flex;align-items:center;gap:10px;margin:8px 0 2px}
.stepper input[type=range]{flex:1;accent-color:var(--cursor)}
.stepper button{font:inherit;padding:2px 10px;border:1px solid var(--line);border-radius:4px;background:#fff;cursor:pointer}
.lab-caption{font-family:ui-monospace,monospace;font-size:13px;min-height:1.5em;white-space:pre-wrap}
.legend{color:var(--muted);font-size:12px;margin:2px 0 0}
.legend .sw{display:inline-block;width:18px;height:9px;border-radius:2px;vertical-align:middle;margin:0 4px 0 10px}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,2fr);gap:18px;margin-top:6px}
.src{position:relative;border:1px solid var(--line);border-radius:6px;max-height:440px;overflow:auto;background:#fff;font:12.5px/1.5 ui-monospace,"DejaVu Sans Mono",monospace}
.lab-line{display:flex;white-space:pre;tab-size:4;min-height:1.5em}
.lab-line .no{flex:none;width:3.5em;text-align:right;padding-right:10px;color:#8c959f;user-select:none;border-right:1px solid var(--line)}
.lab-line code{font:inherit;padding-left:10px}
.lab-line.site{background:#fff1f0}
.lab-line.site .no{color:var(--fail);font-weight:700}
.lab-line.lab-current{background:#e7f0ff;outline:1px solid #9ec0ff}
.lab-marks{display:inline-flex;gap:4px;padding-left:12px}
.lab-chip{display:inline-block;font:600 11px/1.5 system-ui,sans-serif;color:#fff;background:var(--c);border-radius:9px;padding:0 7px;white-space:nowrap}
.lab-chip::before{content:"\25C0 "}
.lab-chip.lab-now{box-shadow:0 0 0 2px #fff,0 0 0 4px var(--cursor)}
.parked{font-size:12px;color:var(--muted);padding:4px 0 6px;min-height:1.8em}
.parked .lab-chip::before{content:""}
.lab-chip.lab-done{opacity:.45;text-decoration:line-through}
.graph svg{background:#fcfcfd;border:1px solid var(--line);border-radius:6px;max-width:100%;height:auto}
.graph ul{margin:6px 0;padding-left:18px;font-size:13px}
.why{font-size:13px;color:#333;background:#f6f8fa;border-radius:6px;padding:8px 10px}
details{margin-top:10px}
details pre{background:#f6f8fa;padding:10px;overflow-x:auto;font-size:12px;line-height:1.35}
.replay{font-family:ui-monospace,monospace;font-size:12.5px;background:#f6f8fa;padding:6px 10px;border-radius:6px;overflow-x:auto;white-space:pre}
.lab-dot{cursor:pointer}
.lab-dot.lab-on{stroke:var(--cursor);stroke-width:3}
)CSS";

const char kScript[] = R"JS(
(function () {
  'use strict';
  function stepFromHash() {
    var m = /(?:^#|&)step=(\d+)/.exec(window.location.hash || '');
    return m ? parseInt(m[1], 10) - 1 : null;
  }
  function init(sec) {
    var dataNode = sec.querySelector('script.lab-data');
    if (!dataNode) return;
    var data = JSON.parse(dataNode.textContent);
    var n = data.steps.length;
    if (n === 0) return;
    var slider = sec.querySelector('input.lab-slider');
    var cursor = sec.querySelector('g.lab-cursor');
    var caption = sec.querySelector('.lab-caption');
    var lanes = sec.querySelector('.lanes');
    var parked = sec.querySelector('.parked');
    var chips = Array.prototype.slice.call(sec.querySelectorAll('.lab-chip'));
    var dots = Array.prototype.slice.call(sec.querySelectorAll('.lab-dot'));
    var lines = {};
    Array.prototype.forEach.call(sec.querySelectorAll('.lab-line'), function (l) {
      lines[l.getAttribute('data-line')] = l;
    });
    var current = null;
    function show(step) {
      step = Math.max(0, Math.min(n - 1, step));
      slider.value = String(step);
      var x = data.x0 + step * data.w + data.w / 2;
      if (cursor) cursor.setAttribute('transform', 'translate(' + x + ',0)');
      var pos = data.threads.map(function () { return -1; });
      var done = data.threads.map(function () { return false; });
      for (var i = 0; i <= step; i++) {
        var e = data.steps[i];
        if (e.exit) { pos[e.t] = -1; done[e.t] = true; } else if (e.line > 0) pos[e.t] = i;
      }
      chips.forEach(function (c) {
        var t = parseInt(c.getAttribute('data-thread'), 10);
        var p = pos[t];
        var line = p >= 0 ? lines[String(data.steps[p].line)] : null;
        var holder = line ? line.querySelector('.lab-marks') : parked;
        if (holder && c.parentNode !== holder) holder.appendChild(c);
        c.classList.toggle('lab-now', p === step);
        c.classList.toggle('lab-done', done[t]);
      });
      if (current) current.classList.remove('lab-current');
      var s = data.steps[step];
      current = s.line > 0 ? lines[String(s.line)] || null : null;
      if (current) current.classList.add('lab-current');
      dots.forEach(function (d) {
        d.classList.toggle('lab-on', parseInt(d.getAttribute('data-step'), 10) === step);
      });
      caption.textContent = 'step ' + (step + 1) + ' of ' + n + '   t = ' + s.vt + '   ' +
          data.threads[s.t] + ': ' + s.label + (s.site ? '   at ' + s.site : '') +
          (step === n - 1 ? '   \u2190 the failure' : '');
      if (lanes) {
        var left = x - lanes.clientWidth / 2;
        if (x < lanes.scrollLeft + 40 || x > lanes.scrollLeft + lanes.clientWidth - 40) {
          lanes.scrollLeft = Math.max(0, left);
        }
      }
      if (current && sec.getAttribute('data-scroll') === '1') {
        var box = current.parentNode;
        var top = current.offsetTop - box.clientHeight / 3;
        box.scrollTop = Math.max(0, top);
      }
    }
    slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
    var prev = sec.querySelector('button.lab-prev');
    var next = sec.querySelector('button.lab-next');
    if (prev) prev.addEventListener('click', function () { show(parseInt(slider.value, 10) - 1); });
    if (next) next.addEventListener('click', function () { show(parseInt(slider.value, 10) + 1); });
    dots.forEach(function (d) {
      d.addEventListener('click', function () { show(parseInt(d.getAttribute('data-step'), 10)); });
    });
    sec.setAttribute('data-scroll', '1');
    var start = stepFromHash();
    show(start === null ? n - 1 : start);
  }
  Array.prototype.forEach.call(document.querySelectorAll('section.lab-failure'), init);
  document.body.setAttribute('data-lab-ready', '1');
})();
)JS";

}  // namespace lab::grader::html
