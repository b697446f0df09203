/** The HTML report's stylesheet, inlined: the report is one file that opens anywhere, offline. */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg-soft: #f6f8fa;
  --ready: #1a7f37; --ready-bg: #dafbe1; --wait: #9a6700; --wait-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9;
  --hl: #fff1a8; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px 32px 64px; color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
h3 { font-size: 15px; margin: 20px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 8px; }
h5 { font-size: 13px; margin: 0 0 6px; text-transform: none; }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); font-weight: normal; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 20px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: #fff; }
.card .big { font-size: 24px; font-weight: 600; }
.bar { height: 8px; border-radius: 4px; background: var(--bg-soft); overflow: hidden; margin-top: 6px; }
.bar > span { display: block; height: 100%; background: var(--accent); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.verdict-pass { color: var(--ready); background: var(--ready-bg); }
.verdict-hold { color: var(--wait); background: var(--wait-bg); }
.verdict-fail { color: var(--bad); background: var(--bad-bg); }
.stage { font-size: 12px; padding: 1px 8px; border: 1px solid var(--line); border-radius: 999px; color: var(--muted); }
section.route { border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 24px 0; }
.question { margin: 8px 0 0; font-weight: 600; }
.conditions { margin: 0 0 16px; padding-left: 20px; }
.condition-pass { color: var(--ready); }
.condition-hold { color: var(--wait); }
.condition-fail { color: var(--bad); }
.reason { margin: 8px 0 16px; }
dl.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px 16px; margin: 0; }
dl.figures div { background: var(--bg-soft); border-radius: 6px; padding: 8px 12px; }
dl.figures dt { color: var(--muted); font-size: 12px; }
dl.figures dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; max-width: 720px; height: auto; display: block; }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .tick, svg.chart .limit-label { font-size: 10px; fill: var(--muted); }
svg.chart .volume { fill: #d8dee4; }
svg.chart .limit { stroke: var(--bad); stroke-dasharray: 4 3; stroke-width: 1; }
svg.chart .rate { fill: none; stroke: var(--accent); stroke-width: 2; }
svg.chart .rate-point { fill: var(--accent); }
figcaption { color: var(--muted); font-size: 12px; }
details.diff { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; }
details.diff > summary { cursor: pointer; padding: 8px 12px; background: var(--bg-soft); border-radius: 8px; }
details.diff[open] > summary { border-bottom: 1px solid var(--line); border-radius: 8px 8px 0 0; }
.example { padding: 12px; }
.example-request { margin: 0 0 8px; }
.method { font-weight: 700; }
.charts { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; align-items: start; }
.latency-legacy { fill: #8c959f; } .latency-service { fill: #0969da; }
table.aligned-body { width: 100%; table-layout: fixed; border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
table.aligned-body td { white-space: pre-wrap; word-break: break-all; vertical-align: top; padding: 0 6px; border-left: 1px solid var(--line); }
table.aligned-body td.hl { background: var(--hl); } table.aligned-body td.absent { background: #f6f8fa; }
details.request-headers summary { cursor: pointer; color: var(--muted); }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 12px 0; }
.side { border: 1px solid var(--line); border-radius: 6px; padding: 10px; min-width: 0; }
.side-legacy h5::before { content: "◀ "; color: var(--muted); }
.side-service h5::before { content: "▶ "; color: var(--muted); }
table.headers { margin: 6px 0; font-size: 12px; }
table.headers th { width: 35%; font-weight: 500; color: var(--muted); word-break: break-all; }
table.headers td { word-break: break-all; }
pre.body { background: var(--bg-soft); border-radius: 6px; padding: 8px; margin: 6px 0; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; max-height: 480px; overflow-y: auto; }
pre.json .line { display: block; }
.hl { background: var(--hl); }
pre .line.hl { box-shadow: inset 3px 0 0 var(--wait); }
span.status.hl { padding: 0 4px; border-radius: 3px; }
table.diff-table { margin-top: 8px; font-size: 12px; }
table.diff-table code { word-break: break-all; }
ul.plain { margin: 4px 0; padding-left: 18px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { details.diff { break-inside: avoid; } section.route { break-inside: avoid-page; } }
`;
