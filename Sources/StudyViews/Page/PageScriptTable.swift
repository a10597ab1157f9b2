/// The trial-table part of the page script: the trials that pass the filter, sorted by a column,
/// 200 rows at a time (a 10,000-row table would take the browser seconds to lay out on every
/// brush move; the sort order is kept for all trials, so a filter change is one pass over it).
enum PageScriptTable {
    static let source = #"""
    const table = document.getElementById('trial-table');
    const countLine = document.getElementById('trial-count');
    const moreLine = document.getElementById('table-more');
    const PAGE = 200;
    let rowLimit = PAGE;
    const columns = [
      { key: 'number', label: 'Trial', get: t => t.number },
      { key: 'state', label: 'State', get: t => t.state, text: true },
      { key: 'value', label: 'Value', get: t => t.value },
    ].concat(data.parameters.map((p, index) => p.kind === 'categorical'
      ? { key: 'param:' + p.name, label: p.name, get: t => t.params[index] === null ? null : choiceLabel(p.choices[t.params[index]]), text: true }
      : { key: 'param:' + p.name, label: p.name, get: t => t.params[index] }
    )).concat([{ key: 'durationSeconds', label: 'Duration (s)', get: t => t.durationSeconds }]);
    let sortKey = 'number', sortDescending = false;
    let sortedOrder = [];

    // Missing values sort last in both directions: they are never the answer to "highest" or "lowest".
    function sortTrials() {
      const column = columns.find(c => c.key === sortKey);
      const keys = trials.map(column.get);
      const sign = sortDescending ? -1 : 1;
      sortedOrder = Array.from({ length: count }, (_, t) => t).sort((a, b) => {
        const x = keys[a], y = keys[b];
        const xMissing = x === null || x === undefined, yMissing = y === null || y === undefined;
        if (xMissing || yMissing) return xMissing === yMissing ? a - b : (xMissing ? 1 : -1);
        const order = column.text ? String(x).localeCompare(String(y)) : x - y;
        return order !== 0 ? sign * order : trials[a].number - trials[b].number;
      });
    }

    function renderHeader() {
      const row = document.createElement('tr');
      for (const column of columns) {
        const th = document.createElement('th');
        th.dataset.key = column.key;
        th.scope = 'col';
        if (column.text) th.className = 'text';
        th.title = 'Sort by ' + column.label;
        th.setAttribute('aria-sort', column.key === sortKey ? (sortDescending ? 'descending' : 'ascending') : 'none');
        th.append(column.label);
        const arrow = document.createElement('span');
        arrow.className = 'arrow';
        arrow.textContent = column.key === sortKey ? (sortDescending ? '▼' : '▲') : '';
        th.append(arrow);
        th.addEventListener('click', () => {
          if (sortKey === column.key) sortDescending = !sortDescending; else { sortKey = column.key; sortDescending = false; }
          rowLimit = PAGE;
          sortTrials();
          renderHeader();
          renderTable();
        });
        row.appendChild(th);
      }
      table.tHead.replaceChildren(row);
    }

    function cellText(column, t) {
      const v = column.get(trials[t]);
      if (v === null || v === undefined) return '–';
      if (column.key === 'state') return STATE_WORDS[v] || v;
      if (column.key === 'durationSeconds') return formatSeconds(v);
      return column.text ? String(v) : formatNumber(v);
    }

    function renderTable() {
      const body = document.createDocumentFragment();
      let rows = 0;
      for (const t of sortedOrder) {
        if (!selected[t]) continue;
        if (rows === rowLimit) break;
        const tr = document.createElement('tr');
        tr.dataset.trial = String(t);
        if (trials[t].number === data.bestTrial) { tr.className = 'best'; tr.title = 'The best trial'; }
        for (const column of columns) {
          const td = document.createElement('td');
          if (column.text) td.className = 'text';
          if (column.key === 'state') {
            const badge = document.createElement('span');
            badge.className = 'state state-' + trials[t].state;
            badge.textContent = cellText(column, t);
            td.appendChild(badge);
          } else {
            td.textContent = cellText(column, t);
          }
          tr.appendChild(td);
        }
        body.appendChild(tr);
        rows++;
      }
      table.tBodies[0].replaceChildren(body);
      const strong = document.createElement('strong');
      strong.textContent = String(shown);
      countLine.replaceChildren(strong, ' of ' + count + ' trials');
      moreLine.replaceChildren();
      if (shown > rows) {
        moreLine.append('Showing the first ' + rows + ' of ' + shown + ' in this order. ');
        const more = document.createElement('button');
        more.type = 'button';
        more.textContent = 'Show ' + Math.min(PAGE, shown - rows) + ' more';
        more.addEventListener('click', () => { rowLimit += PAGE; renderTable(); });
        moreLine.append(more);
      }
    }

    table.tBodies[0].addEventListener('mouseover', event => {
      const row = event.target.closest('tr');
      if (row && row.dataset.trial) highlight(Number(row.dataset.trial));
    });
    table.tBodies[0].addEventListener('mouseleave', () => highlight(null));
    """#
}
