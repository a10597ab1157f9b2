/// The last part of the page script: the toolbar (states shown, the "value above/below" quick
/// filter, clearing), the colour legend, the update loop, the copy button, and
/// `window.atelierPage`, through which the browser test brushes by value and reads the result.
enum PageScriptControls {
    static let source = #"""
    let updatePending = false, lastUpdateMilliseconds = 0;
    function update() {
      const started = performance.now();
      applyFilter();
      draw();
      renderBrushes();
      renderTable();
      lastUpdateMilliseconds = performance.now() - started;
    }
    function scheduleUpdate() {
      if (updatePending) return;
      updatePending = true;
      requestAnimationFrame(() => { updatePending = false; update(); });
    }

    const toolbar = document.getElementById('toolbar');
    function html(tag, attributes, text) {
      const node = document.createElement(tag);
      for (const key in attributes || {}) node.setAttribute(key, attributes[key]);
      if (text !== undefined) node.textContent = text;
      return node;
    }

    // States: one checkbox per state the study has.
    const statesGroup = html('span', { class: 'group' });
    statesGroup.append(html('span', { class: 'label' }, 'States'));
    for (const state of STATES) {
      const n = trials.filter(t => t.state === state).length;
      if (!n) continue;
      const label = html('label');
      const box = html('input', { type: 'checkbox', 'data-state': state });
      box.checked = true;
      box.addEventListener('change', () => { stateShown[state] = box.checked; update(); });
      label.append(box, ' ' + STATE_WORDS[state] + ' (' + n + ')');
      statesGroup.append(label);
    }
    toolbar.append(statesGroup);

    // Quick filter on the objective: it sets the value axis's brush, so it shows like a drag.
    const objectiveIndex = objective ? axes.length - 1 : -1;
    let quickOperator = null, quickInput = null;
    if (objective) {
      const group = html('span', { class: 'group' });
      quickOperator = html('select', { id: 'quick-operator', 'aria-label': 'above or below' });
      quickOperator.append(html('option', { value: 'above' }, 'value ≥'), html('option', { value: 'below' }, 'value ≤'));
      quickOperator.value = maximize ? 'above' : 'below';
      quickInput = html('input', { type: 'number', step: 'any', id: 'quick-value', placeholder: formatNumber(objective.high) });
      const applyQuick = () => {
        const threshold = parseFloat(quickInput.value);
        if (!isFinite(threshold)) brushes.delete(objectiveIndex);
        else {
          const n = Math.max(0, Math.min(1, objective.normalize(threshold)));
          brushes.set(objectiveIndex, quickOperator.value === 'above' ? { lo: n, hi: 1 } : { lo: 0, hi: n });
        }
        update();
      };
      quickInput.addEventListener('input', applyQuick);
      quickOperator.addEventListener('change', applyQuick);
      group.append(html('span', { class: 'label' }, 'Show trials with'), quickOperator, quickInput);
      for (const share of [10, 25]) {
        const button = html('button', { type: 'button' }, 'best ' + share + ' %');
        button.addEventListener('click', () => {
          const sorted = (completedValues.length ? completedValues : finiteValues).slice().sort((a, b) => maximize ? b - a : a - b);
          const threshold = sorted[Math.max(0, Math.ceil(sorted.length * share / 100) - 1)];
          quickOperator.value = maximize ? 'above' : 'below';
          quickInput.value = String(threshold);
          applyQuick();
        });
        group.append(button);
      }
      toolbar.append(group);
    }
    function brushChanged(i) {
      if (i === objectiveIndex && quickInput) quickInput.value = '';
    }
    const clearButton = html('button', { type: 'button', id: 'clear-filters' }, 'Clear filters');
    clearButton.addEventListener('click', () => {
      brushes.clear();
      if (quickInput) quickInput.value = '';
      for (const box of statesGroup.querySelectorAll('input')) { box.checked = true; stateShown[box.dataset.state] = true; }
      update();
    });
    toolbar.append(clearButton);

    // Legend: the colour ramp from the worst value to the best, and the greys.
    const legend = document.getElementById('legend');
    if (objective && completedValues.length) {
      const worst = maximize ? completedLow : completedHigh, best = maximize ? completedHigh : completedLow;
      const ramp = html('span', { class: 'ramp' });
      ramp.style.background = 'linear-gradient(to right, ' + RAMP.join(', ') + ')';
      const item = html('span');
      item.append('Colour: value, worst ' + formatNumber(worst), ramp, 'best ' + formatNumber(best));
      legend.append(item);
    }
    if (goodness.some(g => g < 0)) {
      const item = html('span');
      item.append(html('span', { class: 'swatch' }), 'not complete (pruned, failed, running)');
      legend.append(item);
    }
    const outItem = html('span');
    outItem.append(html('span', { class: 'swatch out' }), 'filtered out');
    legend.append(outItem);

    const copyButton = document.getElementById('copy-command');
    if (copyButton) {
      copyButton.addEventListener('click', () => {
        const text = document.getElementById('retrain-command').textContent;
        const selectIt = () => {
          const range = document.createRange();
          range.selectNodeContents(document.getElementById('retrain-command'));
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => { copyButton.textContent = 'Copied'; }, selectIt);
        else selectIt();
      });
    }

    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => { layout(); renderAxes(); draw(); }, 120);
    });

    layout();
    renderAxes();
    sortTrials();
    renderHeader();
    update();

    // The hook the browser test drives: brush by value (for a categorical axis, by choice index,
    // both ends included), read what is shown and where the axes are on the screen.
    window.atelierPage = {
      total: count,
      readyMilliseconds: performance.now(),
      shown: () => shown,
      lastDrawMilliseconds: () => lastDrawMilliseconds,
      lastUpdateMilliseconds: () => lastUpdateMilliseconds,
      brush(name, lo, hi) {
        const axis = axisNamed(name), i = axes.indexOf(axis);
        let a, b;
        if (axis.kind === 'categorical') {
          const half = 0.5 / axis.choices.length;
          a = axis.normalize(Math.max(lo, hi)) - half; b = axis.normalize(Math.min(lo, hi)) + half;
        } else {
          a = axis.normalize(Math.min(lo, hi)); b = axis.normalize(Math.max(lo, hi));
        }
        brushes.set(i, { lo: a, hi: b });
        brushChanged(i);
        update();
        return shown;
      },
      clear() { brushes.clear(); update(); return shown; },
      brushes() {
        const result = {};
        brushes.forEach((b, i) => {
          const axis = axes[i];
          result[axis.kind === 'objective' ? 'value' : axis.name] = [axis.denormalize(b.lo), axis.denormalize(b.hi)];
        });
        return result;
      },
      axes() {
        const box = svg.getBoundingClientRect();
        return axes.map(axis => ({ name: axis.kind === 'objective' ? 'value' : axis.name, kind: axis.kind, log: axis.log,
          x: box.left + axis.x, top: box.top + plotTop, bottom: box.top + plotBottom, domain: axis.domain || null }));
      },
    };
    """#
}
