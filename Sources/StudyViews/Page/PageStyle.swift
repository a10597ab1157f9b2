/// The study page's style sheet, inlined in the page. System fonts only: the page must not
/// fetch anything, and a font download would be the first thing to break offline.
enum PageStyle {
    static let css = #"""
    :root { --ink: #1d2330; --muted: #5b6475; --line: #d8dde6; --soft: #f3f5f9; --accent: #3b4cca; --best: #fff4d6; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #fff; color: var(--ink);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
    header, main { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
    header { padding-top: 22px; padding-bottom: 10px; border-bottom: 1px solid var(--line); }
    .kicker { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
    h1 { margin: 2px 0 4px; font-size: 26px; overflow-wrap: anywhere; }
    h2 { font-size: 18px; margin: 28px 0 8px; }
    h3 { font-size: 15px; margin: 14px 0 6px; }
    .facts { margin: 0; color: var(--muted); }
    .facts strong { color: var(--ink); }
    .direction { display: inline-block; padding: 0 7px; border-radius: 9px; background: var(--soft); color: var(--ink); font-size: 13px; }
    .attributes { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 13px; }
    .attributes dt { color: var(--muted); }
    .attributes dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
    .note, .hint, .more { color: var(--muted); font-size: 13px; }
    .hint { margin: 0 0 8px; }
    code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
    .best-line { margin: 0 0 8px; }
    table.config { border-collapse: collapse; font-size: 14px; }
    table.config th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 18px 3px 0; }
    table.config td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; padding: 3px 0; overflow-wrap: anywhere; }
    .command { display: flex; gap: 8px; align-items: flex-start; }
    .command pre { flex: 1; margin: 0; padding: 10px 12px; background: var(--soft); border: 1px solid var(--line);
      border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
    button { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px;
      background: #fff; color: var(--ink); cursor: pointer; }
    button:hover { border-color: var(--accent); color: var(--accent); }
    .toolbar { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 0 0 8px; font-size: 13px; }
    .toolbar .group { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .toolbar .label { color: var(--muted); }
    .toolbar label { white-space: nowrap; }
    .toolbar input[type=number] { width: 110px; font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; }
    .toolbar select { font: inherit; padding: 2px 4px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
    .pc { position: relative; width: 100%; height: 420px; border: 1px solid var(--line); border-radius: 8px; background: #fff;
      user-select: none; -webkit-user-select: none; touch-action: none; }
    .pc canvas, .pc svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
    .pc canvas#pc-highlight { pointer-events: none; }
    .pc svg text { font-size: 11px; fill: var(--ink); }
    .pc svg .axis-line { stroke: #59627a; stroke-width: 1; }
    .pc svg .tick { stroke: #59627a; }
    .pc svg .tick-label { fill: #3c4456; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
    .pc svg .axis-name { font-size: 12px; font-weight: 600; }
    .pc svg .axis-scale { font-size: 10px; fill: var(--muted); }
    .pc svg .hit { fill: transparent; cursor: ns-resize; }
    .pc svg .hit:hover { fill: rgba(59, 76, 202, .06); }
    .pc svg .brush { fill: rgba(59, 76, 202, .14); stroke: var(--accent); stroke-width: 1; pointer-events: none; }
    .legend { display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: center; margin-top: 8px; font-size: 12px; color: var(--muted); }
    .legend .ramp { display: inline-block; width: 220px; height: 10px; border-radius: 3px; vertical-align: middle; margin: 0 6px; }
    .legend .swatch { display: inline-block; width: 22px; height: 0; border-top: 2px solid #a3a9b6; vertical-align: middle; margin-right: 6px; }
    .legend .swatch.out { border-top-color: #e3e6ec; }
    .count { margin: 0 0 6px; font-size: 14px; }
    .table-wrap { overflow: auto; max-height: min(640px, 75vh); border: 1px solid var(--line); border-radius: 8px; }
    #trial-table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
    #trial-table th { position: sticky; top: 0; background: var(--soft); text-align: right; font-weight: 600; padding: 6px 10px;
      border-bottom: 1px solid var(--line); cursor: pointer; white-space: nowrap; }
    #trial-table th:hover { color: var(--accent); }
    #trial-table th.text, #trial-table td.text { text-align: left; }
    #trial-table th .arrow { display: inline-block; width: 1em; color: var(--accent); }
    #trial-table td { text-align: right; padding: 4px 10px; border-bottom: 1px solid #eef0f4; white-space: nowrap; }
    #trial-table tbody tr:hover { background: #eef1fb; }
    #trial-table tr.best { background: var(--best); }
    .state { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; }
    .state-COMPLETE { background: #e3f4e8; color: #1d6b35; }
    .state-PRUNED { background: #fdf0dc; color: #8a5300; }
    .state-FAIL { background: #fde4e4; color: #a11d1d; }
    .state-RUNNING, .state-WAITING { background: #e6ecfb; color: #2a4496; }
    .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 18px; }
    figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px; background: #fff; }
    figure img { width: 100%; height: auto; display: block; }
    figcaption { margin-top: 6px; font-size: 13px; color: var(--muted); text-align: center; }
    main { padding-bottom: 40px; }
    """#
}
