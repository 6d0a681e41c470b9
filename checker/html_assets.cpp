// The HTML page's inline style and script. The script fetches nothing: it folds and unfolds runs
// of steps, filters rows by task or object (also from an address ending in #filter=NAME), and
// copies a replay command.
#include "checker/html_parts.hpp"

namespace checker::html {

const char* const style = R"css(
:root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --race: #fde2e1; --race-fg: #a4161a; --pre: #fff2cc;
        --hit: #fff7d6; --ok: #137333; --bad: #b3261e; --bg: #ffffff; --panel: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 14px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 18px; }
main { padding: 8px 24px 24px; }
footer { padding: 12px 24px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
h2 { font-size: 17px; margin: 18px 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
h3 { font-size: 16px; margin: 14px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
h4 small { color: var(--muted); font-weight: normal; }
.summary { font-family: ui-monospace, "DejaVu Sans Mono", monospace; padding: 6px 10px; border-radius: 4px; background: var(--panel); }
.summary.ok { color: var(--ok); } .summary.failed { color: var(--bad); }
.failure { border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 12px; margin: 12px 0; }
.kind { background: var(--bad); color: #fff; border-radius: 4px; padding: 1px 7px; font-size: 13px; margin-right: 4px; }
.details li.note { color: var(--muted); }
code, .where, .ln, table.steps td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.where { color: var(--muted); }
table { border-collapse: collapse; }
table.accesses td, table.accesses th { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; }
tr.race td { background: var(--race); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 10px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.warning { color: var(--bad); }
.replay { display: flex; align-items: center; gap: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 4px;
          padding: 6px 10px; margin: 8px 0; }
.replay span { color: var(--muted); }
.replay code { flex: 1; overflow-x: auto; white-space: pre; }
button { font: inherit; font-size: 12.5px; padding: 2px 10px; border: 1px solid #b8c0cc; border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { background: #eef2f7; }
.source { margin: 6px 0 10px; border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; }
.source .file { padding: 3px 10px; background: var(--panel); border-bottom: 1px solid var(--line); font-family: ui-monospace, monospace; font-size: 12.5px; }
.source td { padding: 0 10px; white-space: pre; vertical-align: top; }
.source td.ln { color: var(--muted); text-align: right; user-select: none; }
.source tr.hit td { background: var(--hit); }
.source tr.hit td.label { color: var(--race-fg); font-family: system-ui, sans-serif; font-size: 12.5px; }
.missing { color: var(--muted); }
.tools { display: flex; align-items: center; gap: 10px; margin: 6px 0; }
.tools input[type=search] { font: inherit; padding: 3px 8px; width: 260px; border: 1px solid #b8c0cc; border-radius: 4px; }
.tools .count { color: var(--muted); }
table.steps { width: 100%; }
table.steps th { position: sticky; top: 0; background: var(--panel); text-align: left; padding: 4px 8px; border-bottom: 2px solid var(--line); }
table.steps td { padding: 1px 8px; border-bottom: 1px solid #eef1f5; vertical-align: top; }
table.steps td.n { color: var(--muted); text-align: right; width: 1%; white-space: nowrap; }
table.steps tr.race td.op { background: var(--race); color: var(--race-fg); font-weight: 600; }
table.steps tr.preempt td.op { background: var(--pre); }
table.steps .mark { color: #b54708; font-weight: 700; }
table.steps tr.fold td { background: var(--panel); color: var(--muted); font-style: italic; }
table.steps tr.match td.op { outline: 2px solid #2f6fde; outline-offset: -2px; }
table.steps tr.dim { opacity: 0.35; }
.waitgraph { margin: 8px 0; }
.waitgraph figcaption { color: var(--muted); font-size: 12.5px; }
.waitgraph .node rect { fill: #fff; stroke: #475467; stroke-width: 1.5; }
.waitgraph .node.object rect { fill: var(--panel); }
.waitgraph .node.cycle rect { stroke: var(--bad); stroke-width: 2.5; }
.waitgraph text { font: 13px ui-monospace, monospace; text-anchor: middle; fill: var(--fg); }
.waitgraph .edge { stroke: #475467; stroke-width: 1.5; }
.waitgraph .edge.cycle { stroke: var(--bad); stroke-width: 2.5; }
.waitgraph .head { fill: #475467; } .waitgraph .head.cycle { fill: var(--bad); }
.waitgraph .edge-label { font: 11px system-ui, sans-serif; fill: var(--muted); }
)css";

// At the script's top level, not in one wrapping function: the page holds nothing else, and each
// part stays a short function of its own.
const char* const script = R"js(
'use strict';
function foldRows(table, fold) { return table.querySelectorAll('tr[data-in="' + fold + '"]'); }
function setFold(table, row, open) {
  row.classList.toggle('open', open);
  row.querySelector('button').textContent = open ? 'hide' : 'show';
  foldRows(table, row.dataset.fold).forEach(function (r) { r.hidden = !open; });
}
function filter(section) {
  var table = section.querySelector('table.steps');
  var query = section.querySelector('input.filter').value.trim().toLowerCase();
  var only = section.querySelector('input.only').checked;
  var matches = 0;
  table.querySelectorAll('tr.step').forEach(function (row) {
    var hit = query !== '' && (row.dataset.task.toLowerCase().indexOf(query) >= 0 ||
                               row.dataset.object.toLowerCase().indexOf(query) >= 0);
    if (hit) matches++;
    row.classList.toggle('match', hit);
    row.classList.toggle('dim', query !== '' && !hit && !only);
    var fold = row.dataset.in ? table.querySelector('tr.fold[data-fold="' + row.dataset.in + '"]') : null;
    var shown = !fold || fold.classList.contains('open') || hit;
    row.hidden = query !== '' && only ? !hit : !shown;
  });
  table.querySelectorAll('tr.fold').forEach(function (row) { row.hidden = query !== '' && only; });
  section.querySelector('.count').textContent = query === '' ? '' : matches + (matches === 1 ? ' step matches' : ' steps match');
}
document.querySelectorAll('section.failure').forEach(function (section) {
  var table = section.querySelector('table.steps');
  if (!table) return;
  table.querySelectorAll('tr.fold').forEach(function (row) {
    row.querySelector('button').addEventListener('click', function () {
      setFold(table, row, !row.classList.contains('open'));
      filter(section);
    });
  });
  section.querySelector('button.unfold').addEventListener('click', function () {
    table.querySelectorAll('tr.fold').forEach(function (row) { setFold(table, row, true); });
    filter(section);
  });
  section.querySelector('input.filter').addEventListener('input', function () { filter(section); });
  section.querySelector('input.only').addEventListener('change', function () { filter(section); });
});
function copied(button) {
  button.textContent = 'Copied';
  setTimeout(function () { button.textContent = 'Copy'; }, 1500);
}
function copyBySelection(text, button) {
  var area = document.createElement('textarea');
  area.value = text;
  document.body.appendChild(area);
  area.select();
  try { if (document.execCommand('copy')) copied(button); } catch (e) { /* the text stays selectable on the page */ }
  document.body.removeChild(area);
}
document.querySelectorAll('button.copy').forEach(function (button) {
  button.addEventListener('click', function () {
    var text = document.getElementById(button.dataset.copy).textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); }, function () { copyBySelection(text, button); });
    } else {
      copyBySelection(text, button);
    }
  });
});
// An address ending in #filter=NAME opens the page filtered, so a link can point at one task's steps.
var wanted = /^#filter=(.+)$/.exec(location.hash);
if (wanted) {
  document.querySelectorAll('section.failure').forEach(function (section) {
    var input = section.querySelector('input.filter');
    if (!input) return;
    input.value = decodeURIComponent(wanted[1]);
    filter(section);
  });
}
document.body.dataset.ready = 'yes';
)js";

}  // namespace checker::html
