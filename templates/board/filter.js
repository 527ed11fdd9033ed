// The overview's filter: hides the rows of 报送情况一览表 that do not match
// the box (unit or activity) and the state chosen. Without it every row shows.
const q = document.getElementById('q'), st = document.getElementById('st');
function filter() {
  const t = q.value.trim(), s = st.value;
  for (const r of document.querySelectorAll('tr[data-unit]')) {
    r.hidden = !((!t || r.dataset.unit.includes(t) || r.dataset.theme.includes(t))
      && (!s || r.dataset.states.split(' ').includes(s)));
  }
}
q.addEventListener('input', filter);
st.addEventListener('change', filter);
document.getElementById('filter').hidden = false;
