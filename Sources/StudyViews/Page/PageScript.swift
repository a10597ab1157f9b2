/// The study page's script: plain JavaScript (no library, nothing fetched), inlined in the page.
///
/// The parts share one function scope and run in order: `scales` reads the embedded trial data
/// and builds one axis per parameter plus the objective; `parallel` draws and brushes the
/// parallel coordinates; `table` renders the sortable trial table; `controls` wires the toolbar,
/// the legend and `window.atelierPage`, the hook that tests (and curious users) drive the page
/// through. Every position is kept normalised (0 at the bottom of an axis, 1 at the top), so a
/// filter is a comparison of two numbers per trial and axis, whatever the scale.
enum PageScript {
    static var source: String {
        ["(function () {\n'use strict';", scales, PageScriptParallel.source, PageScriptTable.source,
         PageScriptControls.source, "})();"].joined(separator: "\n")
    }

    static let scales = #"""
    const data = JSON.parse(document.getElementById('study-data').textContent);
    const pc = document.getElementById('pc');
    if (!data.trials.length || !pc) return;
    const trials = data.trials;
    const count = trials.length;
    const maximize = data.direction === 'maximize';
    const STATES = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING', 'WAITING'];
    const STATE_WORDS = { COMPLETE: 'complete', PRUNED: 'pruned', FAIL: 'failed', RUNNING: 'running', WAITING: 'waiting' };

    // Numbers as the Swift side writes them (HTMLText.number): integers whole, up to six
    // significant digits, exponent form below 0.001 and from a million on.
    function formatNumber(v) {
      if (v === null || v === undefined || !isFinite(v)) return '–';
      if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
      const m = Math.abs(v);
      if (m >= 1e-3 && m < 1e6) return String(Number(v.toPrecision(6)));
      const [mantissa, exponent] = v.toExponential(4).split('e');
      return String(Number(mantissa)) + 'e' + Number(exponent);
    }

    // Seconds to the hundredth, or two significant digits below that (a trial of 4 ms is not 0 s).
    function formatSeconds(v) {
      return formatNumber(v >= 0.01 ? Math.round(v * 100) / 100 : Number(v.toPrecision(2)));
    }

    function choiceLabel(choice) { return typeof choice === 'string' ? choice : JSON.stringify(choice); }

    // "Nice" ticks of a linear range: steps of 1, 2 or 5 times a power of ten.
    function linearTicks(lo, hi, wanted, integer) {
      const span = hi - lo;
      if (!(span > 0)) return [lo];
      const rough = span / wanted;
      const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
      const ratio = rough / magnitude;
      let step = magnitude * (ratio >= 7.5 ? 10 : ratio >= 3.5 ? 5 : ratio >= 1.5 ? 2 : 1);
      if (integer) step = Math.max(1, Math.round(step));
      const ticks = [];
      for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
      return ticks;
    }

    // Ticks of a log range: the powers of ten, with 2 and 5 times them when fewer than three fit.
    function logTicks(lo, hi) {
      const decades = [];
      for (let k = Math.ceil(lo - 1e-9); k <= hi + 1e-9; k++) decades.push(Math.pow(10, k));
      if (decades.length >= 3) return decades.length > 9 ? decades.filter((_, i) => i % 2 === 0) : decades;
      const ticks = [];
      for (let k = Math.floor(lo) - 1; k <= Math.ceil(hi); k++) {
        for (const m of [1, 2, 5]) {
          const v = m * Math.pow(10, k), l = Math.log10(v);
          if (l >= lo - 1e-9 && l <= hi + 1e-9) ticks.push(Number(v.toPrecision(12)));
        }
      }
      return ticks.length >= 2 ? ticks : linearTicks(Math.pow(10, lo), Math.pow(10, hi), 4, false);
    }

    // A numeric axis over [low, high], linear or log; a flat range is widened so it has a middle.
    function numericAxis(axis, low, high, log) {
      let lo = log ? Math.log10(low) : low, hi = log ? Math.log10(high) : high;
      if (!(hi > lo)) { const pad = log ? 0.5 : (Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 0.5); lo -= pad; hi += pad; }
      axis.domain = [lo, hi];
      axis.normalize = v => ((log ? Math.log10(v) : v) - lo) / (hi - lo);
      axis.denormalize = n => { const x = lo + n * (hi - lo); return log ? Math.pow(10, x) : x; };
      axis.ticks = () => (log ? logTicks(lo, hi) : linearTicks(lo, hi, 5, axis.kind === 'int'))
        .map(v => ({ n: axis.normalize(v), label: formatNumber(v) }));
      return axis;
    }

    // A categorical axis: the choices evenly spaced, the first at the top.
    function categoricalAxis(axis) {
      const k = axis.choices.length;
      axis.normalize = i => 1 - (i + 0.5) / k;
      axis.denormalize = n => (1 - n) * k - 0.5;
      const every = Math.max(1, Math.ceil(k / 16));
      axis.ticks = () => axis.choices.map((c, i) => ({ n: axis.normalize(i), label: choiceLabel(c) }))
        .filter((_, i) => i % every === 0);
      return axis;
    }

    // One axis per parameter, then the objective (when some trial has a value). Each axis keeps
    // every trial's normalised position (NaN where the trial has no value on it).
    const axes = data.parameters.map((p, index) => {
      const axis = { name: p.name, kind: p.kind, log: !!p.log, choices: p.choices || null, value: t => t.params[index] };
      return p.kind === 'categorical' ? categoricalAxis(axis) : numericAxis(axis, p.low, p.high, axis.log);
    });
    const finiteValues = trials.map(t => t.value).filter(v => v !== null && isFinite(v));
    let objective = null;
    if (finiteValues.length) {
      let low = Infinity, high = -Infinity;
      for (const v of finiteValues) { if (v < low) low = v; if (v > high) high = v; }
      objective = numericAxis({ name: 'value', kind: 'objective', log: false, choices: null, value: t => t.value }, low, high, false);
      objective.low = low; objective.high = high;
      axes.push(objective);
    }
    for (const axis of axes) {
      axis.pos = new Float64Array(count);
      for (let t = 0; t < count; t++) {
        const v = axis.value(trials[t]);
        axis.pos[t] = v === null || v === undefined ? NaN : axis.normalize(v);
      }
    }
    function axisNamed(name) {
      const axis = axes.find(a => a.name === name && a.kind !== 'objective') || (name === 'value' ? objective : null);
      if (!axis) throw new Error('no axis named ' + name);
      return axis;
    }

    // How good each completed trial is, 0 (worst) to 1 (best) in the study's direction, or -1.
    // Only completed trials are coloured: a pruned trial's stored value is its last intermediate
    // value (Optuna keeps it so), not a result to compare; it still sits on the value axis.
    const goodness = new Float32Array(count).fill(-1);
    const completedValues = trials.filter(t => t.state === 'COMPLETE' && t.value !== null && isFinite(t.value)).map(t => t.value);
    let completedLow = Infinity, completedHigh = -Infinity;
    for (const v of completedValues) { if (v < completedLow) completedLow = v; if (v > completedHigh) completedHigh = v; }
    if (completedValues.length) {
      const span = completedHigh - completedLow;
      trials.forEach((t, i) => {
        if (t.state !== 'COMPLETE' || t.value === null || !isFinite(t.value)) return;
        const g = span > 0 ? (t.value - completedLow) / span : 1;
        goodness[i] = maximize ? g : 1 - g;
      });
    }
    """#
}
