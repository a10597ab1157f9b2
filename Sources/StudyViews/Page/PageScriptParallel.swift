/// The parallel-coordinates part of the page script: layout, the lines on a canvas, the axes and
/// brushes in SVG above it, and dragging on an axis.
///
/// Lines are drawn in 32 colour buckets, worst first, one canvas path per bucket: 10,000 trials
/// then cost 32 strokes rather than 10,000, and the best trials end on top. Positions are
/// normalised (see `PageScript`), so a brush is a normalised `[lo, hi]` per axis and a trial is
/// shown when every brushed axis has it inside (NaN, no value on that axis, is never inside).
enum PageScriptParallel {
    static let source = #"""
    const linesCanvas = document.getElementById('pc-lines');
    const highlightCanvas = document.getElementById('pc-highlight');
    const svg = document.getElementById('pc-axes');
    const NS = svg.namespaceURI;
    const margin = { top: 58, right: 70, bottom: 24, left: 64 };
    const BUCKETS = 32;
    // Plasma from deep blue (worst) to orange (best), stopped before its pale yellow end so the
    // best lines stay visible on white.
    const RAMP = ['#0d0887', '#46039f', '#7201a8', '#9c179e', '#bd3786', '#d8576b', '#ed7953', '#f89441', '#fdb42f'];
    const NO_VALUE = '#9aa1ad', FILTERED = '#e4e7ed';
    let width = 0, height = 0, ratio = 1, plotTop = 0, plotBottom = 0;
    const brushes = new Map();          // axis index -> { lo, hi }, normalised
    const stateShown = {};
    STATES.forEach(s => { stateShown[s] = true; });
    const selected = new Uint8Array(count);
    let shown = count;
    let lastDrawMilliseconds = 0;

    function rampColor(g) {
      const x = Math.max(0, Math.min(1, g)) * (RAMP.length - 1);
      const i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
      const a = parseInt(RAMP[i].slice(1), 16), b = parseInt(RAMP[i + 1].slice(1), 16);
      const mix = shift => Math.round(((a >> shift) & 255) * (1 - f) + ((b >> shift) & 255) * f);
      return 'rgb(' + mix(16) + ',' + mix(8) + ',' + mix(0) + ')';
    }
    const bucketColors = Array.from({ length: BUCKETS }, (_, b) => rampColor((b + 0.5) / BUCKETS));
    const bucketOf = t => goodness[t] < 0 ? -1 : Math.min(BUCKETS - 1, Math.floor(goodness[t] * BUCKETS));
    // Trials in drawing order: the uncoloured (not complete) first, then worst to best.
    const drawOrder = Array.from({ length: count }, (_, t) => t).sort((a, b) => goodness[a] - goodness[b]);

    function yOf(n) { return plotBottom - n * (plotBottom - plotTop); }
    function nOf(y) { return Math.max(0, Math.min(1, (plotBottom - y) / (plotBottom - plotTop))); }

    function layout() {
      const rect = pc.getBoundingClientRect();
      width = Math.max(320, rect.width);
      height = Math.max(240, rect.height);
      ratio = window.devicePixelRatio || 1;
      for (const canvas of [linesCanvas, highlightCanvas]) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      plotTop = margin.top;
      plotBottom = height - margin.bottom;
      const usable = width - margin.left - margin.right;
      axes.forEach((axis, i) => { axis.x = axes.length === 1 ? width / 2 : margin.left + i * usable / (axes.length - 1); });
    }

    function applyFilter() {
      const active = Array.from(brushes.entries()).map(([i, b]) => [axes[i].pos, b.lo, b.hi]);
      let n = 0;
      for (let t = 0; t < count; t++) {
        let keep = stateShown[trials[t].state] !== false;
        for (let k = 0; keep && k < active.length; k++) {
          const p = active[k][0][t];
          keep = p >= active[k][1] && p <= active[k][2];
        }
        selected[t] = keep ? 1 : 0;
        n += keep ? 1 : 0;
      }
      shown = n;
    }

    // Adds trial t's polyline to the current path; a missing value breaks the line.
    function trace(context, t) {
      let open = false;
      for (const axis of axes) {
        const p = axis.pos[t];
        if (p !== p) { open = false; continue; }
        if (open) context.lineTo(axis.x, yOf(p)); else { context.moveTo(axis.x, yOf(p)); open = true; }
      }
    }

    function draw() {
      const started = performance.now();
      const context = linesCanvas.getContext('2d');
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      context.lineWidth = 1;
      context.lineJoin = 'round';
      if (shown < count) {
        context.globalAlpha = Math.min(0.8, Math.max(0.25, 12 / Math.sqrt(count - shown)));
        context.strokeStyle = FILTERED;
        context.beginPath();
        for (let t = 0; t < count; t++) if (!selected[t]) trace(context, t);
        context.stroke();
      }
      // Fainter as lines pile up, so that 10,000 of them still show where they crowd and where
      // the colours change, rather than one saturated band of the best colour.
      context.globalAlpha = Math.min(0.85, Math.max(0.03, 40 / Math.pow(Math.max(1, shown), 0.75)));
      let bucket = -2;
      for (const t of drawOrder) {
        if (!selected[t]) continue;
        const b = bucketOf(t);
        if (b !== bucket) {
          if (bucket !== -2) context.stroke();
          context.strokeStyle = b < 0 ? NO_VALUE : bucketColors[b];
          context.beginPath();
          bucket = b;
        }
        trace(context, t);
      }
      if (bucket !== -2) context.stroke();
      context.globalAlpha = 1;
      lastDrawMilliseconds = performance.now() - started;
    }

    // The one trial under the pointer in the table, drawn thick above the others.
    function highlight(t) {
      const context = highlightCanvas.getContext('2d');
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      if (t === null) return;
      context.lineJoin = 'round';
      for (const [style, lineWidth] of [['#fff', 5], [goodness[t] < 0 ? '#555' : '#111', 2.2]]) {
        context.strokeStyle = style;
        context.lineWidth = lineWidth;
        context.beginPath();
        trace(context, t);
        context.stroke();
      }
      context.fillStyle = '#111';
      for (const axis of axes) {
        const p = axis.pos[t];
        if (p === p) { context.beginPath(); context.arc(axis.x, yOf(p), 3, 0, 2 * Math.PI); context.fill(); }
      }
    }

    function element(name, attributes, parent, text) {
      const node = document.createElementNS(NS, name);
      for (const key in attributes) node.setAttribute(key, attributes[key]);
      if (text !== undefined) node.textContent = text;
      if (parent) parent.appendChild(node);
      return node;
    }

    // Shortens `text` with an ellipsis until it fits `room` pixels at the axis-name font.
    function fitted(text, room) {
      const perCharacter = 7;
      if (text.length * perCharacter <= room) return text;
      return text.slice(0, Math.max(1, Math.floor(room / perCharacter) - 1)) + '…';
    }

    const brushRects = [];
    function renderAxes() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
      const spacing = axes.length > 1 ? axes[1].x - axes[0].x : width;
      axes.forEach((axis, i) => {
        const group = element('g', { 'data-axis': axis.name }, svg);
        const name = axis.kind === 'objective' ? 'value' : axis.name;
        const title = element('text', { x: axis.x, y: 20, 'text-anchor': 'middle', class: 'axis-name' }, group, fitted(name, spacing - 8));
        element('title', {}, title, name);
        const scale = axis.kind === 'objective' ? (maximize ? 'objective · maximize' : 'objective · minimize')
          : axis.kind === 'categorical' ? 'categorical' : (axis.log ? 'log' : 'linear') + (axis.kind === 'int' ? ' · int' : '');
        element('text', { x: axis.x, y: 36, 'text-anchor': 'middle', class: 'axis-scale' }, group, scale);
        element('line', { x1: axis.x, x2: axis.x, y1: plotTop, y2: plotBottom, class: 'axis-line' }, group);
        // Tick labels left of each axis, except the last one's, which go into the right margin.
        const side = i === axes.length - 1 && axes.length > 1 ? 1 : -1;
        for (const tick of axis.ticks()) {
          const y = yOf(tick.n);
          element('line', { x1: axis.x + 4 * side, x2: axis.x, y1: y, y2: y, class: 'tick' }, group);
          element('text', { x: axis.x + 7 * side, y: y + 3.5, 'text-anchor': side > 0 ? 'start' : 'end', class: 'tick-label' }, group,
                  fitted(tick.label, side > 0 ? margin.right - 10 : Math.min(spacing * 0.45, 120)));
        }
        brushRects[i] = element('rect', { x: axis.x - 7, width: 14, class: 'brush', visibility: 'hidden' }, group);
        const hit = element('rect', { x: axis.x - 14, y: plotTop - 8, width: 28, height: plotBottom - plotTop + 16, class: 'hit' }, group);
        listen(hit, i);
      });
      renderBrushes();
    }

    function renderBrushes() {
      axes.forEach((_, i) => {
        const rect = brushRects[i], b = brushes.get(i);
        if (!rect) return;
        if (!b) { rect.setAttribute('visibility', 'hidden'); return; }
        rect.setAttribute('visibility', 'visible');
        rect.setAttribute('y', yOf(b.hi));
        rect.setAttribute('height', Math.max(1, yOf(b.lo) - yOf(b.hi)));
      });
    }

    // Dragging sets the axis's brush between where the drag started and where it is; a press
    // and release that moves less than 3 pixels is a click, which clears the brush.
    let drag = null;
    function pointerY(event) { return event.clientY - svg.getBoundingClientRect().top; }
    function listen(hit, i) {
      hit.addEventListener('pointerdown', event => {
        if (event.button !== 0) return;
        event.preventDefault();
        hit.setPointerCapture(event.pointerId);
        drag = { axis: i, start: pointerY(event), moved: false };
      });
      hit.addEventListener('pointermove', event => {
        if (!drag || drag.axis !== i) return;
        const y = pointerY(event);
        if (Math.abs(y - drag.start) >= 3) drag.moved = true;
        if (!drag.moved) return;
        const a = nOf(drag.start), b = nOf(y);
        brushes.set(i, { lo: Math.min(a, b), hi: Math.max(a, b) });
        brushChanged(i);
        scheduleUpdate();
      });
      const finish = () => {
        if (!drag || drag.axis !== i) return;
        if (!drag.moved) { brushes.delete(i); brushChanged(i); }
        drag = null;
        scheduleUpdate();
      };
      hit.addEventListener('pointerup', finish);
      hit.addEventListener('pointercancel', finish);
    }
    """#
}
