import Vapor

/// The stylesheet ships inside the binary: one file to deploy, nothing to build.
enum StaticAssets {
    static func css() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: stylesheet))
    }

    /// Leaflet from Debian's libjs-leaflet, when it is installed; without it the point fields
    /// stay plain "lat, lon" inputs.
    static func leaflet(_ file: String) -> Response {
        let allowed = ["leaflet.js": "text/javascript", "leaflet.css": "text/css"]
        guard let type = allowed[file], let data = FileManager.default.contents(atPath: "/usr/share/javascript/leaflet/" + file) else {
            return Response(status: .notFound)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type + "; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    static func script(_ text: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    /// Turns every `input[data-point]` into a map to click on, every `[data-point-view]` into a
    /// map showing its point, and every `[data-area-view]` (GeoJSON) into a map of its area.
    /// Loads Leaflet only where a map is needed.
    static let mapPicker = """
    const inputs = document.querySelectorAll('input[data-point], [data-point-view], [data-area-view]');
    if (inputs.length > 0) {
      const css = document.createElement('link');
      css.rel = 'stylesheet'; css.href = '/static/leaflet/leaflet.css';
      document.head.appendChild(css);
      const script = document.createElement('script');
      script.src = '/static/leaflet/leaflet.js';
      script.onload = () => inputs.forEach(setUp);
      document.head.appendChild(script);
    }
    function parse(text) {
      const digits = '๐๑๒๓๔๕๖๗๘๙';
      const ascii = (text || '').replace(/[๐-๙]/g, d => String(digits.indexOf(d)));
      const m = ascii.match(/(-?\\d+(?:\\.\\d+)?)[ ,]+(-?\\d+(?:\\.\\d+)?)/);
      return m ? [parseFloat(m[1]), parseFloat(m[2])] : null;
    }
    function setUp(el) {
      const L = window.L;
      const box = document.createElement('div');
      box.className = 'map';
      el.insertAdjacentElement('afterend', box);
      if (el.dataset.areaView) {
        const map = L.map(box);
        L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '© OpenStreetMap' }).addTo(map);
        const area = L.geoJSON(JSON.parse(el.dataset.areaView), { style: { color: '#1d4f91', weight: 2 } }).addTo(map);
        map.fitBounds(area.getBounds(), { maxZoom: 18 });
        return;
      }
      const centre = (el.dataset.centre || '13.75,100.5').split(',').map(Number);
      const point = parse(el.value || el.dataset.pointView);
      const map = L.map(box).setView(point || centre, point ? 17 : 14);
      L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '© OpenStreetMap' }).addTo(map);
      let marker = point ? L.circleMarker(point, { radius: 8 }).addTo(map) : null;
      if (el.tagName !== 'INPUT') return;
      map.on('click', e => {
        const p = [e.latlng.lat.toFixed(6), e.latlng.lng.toFixed(6)];
        el.value = p.join(', ');
        if (marker) marker.setLatLng(e.latlng); else marker = L.circleMarker(e.latlng, { radius: 8 }).addTo(map);
      });
      el.addEventListener('change', () => { const p = parse(el.value); if (p) { map.setView(p, 17); if (marker) marker.setLatLng(p); else marker = L.circleMarker(p, { radius: 8 }).addTo(map); } });
    }
    """

    static func jobScript() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        return Response(status: .ok, headers: headers, body: .init(string: jobPoller))
    }

    /// "Add a field" in the dataset designer and on the fields page: a blank copy of the last
    /// field row, numbered next, in place of posting the form back for more rows.
    static let fieldRows = """
    const button = document.getElementById('add-field');
    const table = document.getElementById('field-table');
    if (button && table) {
      button.addEventListener('click', event => {
        event.preventDefault();
        const rows = table.querySelectorAll('tbody.field');
        const copy = rows[rows.length - 1].cloneNode(true);
        const next = rows.length;
        copy.querySelectorAll('[name]').forEach(el => {
          if (el.name.endsWith('[original]')) { el.remove(); return; }
          el.name = el.name.replace(/^fields\\[\\d+\\]/, `fields[${next}]`);
          if (el.type === 'checkbox') el.checked = false;
          else if (el.tagName === 'SELECT') el.selectedIndex = 0;
          else el.value = '';
        });
        copy.querySelectorAll('.field-error').forEach(el => el.remove());
        copy.querySelectorAll('.inactive').forEach(el => el.classList.remove('inactive'));
        copy.querySelectorAll('details').forEach(el => {
          el.open = false;
          const summary = el.querySelector('summary');
          if (summary) summary.textContent = summary.textContent.split(':')[0];
        });
        table.appendChild(copy);
        copy.querySelector('input[name$="[key]"]').focus();
      });
    }
    """

    /// Polls the job page as JSON and moves the progress bar; reloads when the job ends.
    static let jobPoller = """
    const bar = document.getElementById('job-progress');
    async function poll() {
      try {
        const res = await fetch(location.pathname, { headers: { 'Accept': 'application/json' } });
        if (res.ok) {
          const job = await res.json();
          bar.value = job.progress;
          bar.textContent = Math.round(job.progress * 100) + '%';
          if (job.status !== 'running') { location.reload(); return; }
        }
      } catch (e) { /* offline for a moment: try again */ }
      setTimeout(poll, 700);
    }
    poll();
    """

    static let stylesheet = """
    :root { --primary: #1d4f91; --accent: #f2a900; --ink: #1f2933; --muted: #616e7c; --bg: #f5f7fa; }
    * { box-sizing: border-box; }
    body { margin: 0; font-family: "Sarabun", "TH Sarabun New", "Loma", "Garuda", "Noto Sans Thai", system-ui, sans-serif;
      color: var(--ink); background: var(--bg); font-size: 17px; line-height: 1.55; }
    a { color: var(--primary); }
    .topbar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between;
      padding: .6rem 1rem; background: var(--primary); color: #fff; border-bottom: 4px solid var(--accent); }
    .topbar a { color: #fff; text-decoration: none; }
    .brand { display: flex; align-items: center; gap: .6rem; font-weight: 700; font-size: 1.15rem; }
    .brand .logo { height: 40px; width: auto; background: #fff; border-radius: 4px; }
    .userbar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
    .userbar button { background: transparent; color: #fff; border: 1px solid #fff; }
    .tabs { display: flex; flex-wrap: wrap; gap: .25rem; padding: .4rem 1rem; background: #fff; border-bottom: 1px solid #d9e2ec; }
    .tabs a { padding: .35rem .7rem; border-radius: 4px; text-decoration: none; }
    .tabs a[aria-current=page] { background: var(--primary); color: #fff; }
    main { max-width: 1080px; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
    .hero { border-left: 6px solid var(--accent); padding-left: 1rem; }
    .muted { color: var(--muted); }
    .cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .75rem; }
    .card { background: #fff; border: 1px solid #d9e2ec; border-radius: 8px; padding: .8rem 1rem; }
    .cards .card { display: flex; flex-direction: column; gap: .25rem; }
    .module { border-top: 4px solid var(--primary); }
    .plain { padding-left: 1.2rem; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; background: #fff; }
    th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
    tr.inactive { color: var(--muted); }
    form.stack { display: flex; flex-direction: column; gap: .7rem; max-width: 560px; margin: 1rem 0; }
    form.row, .row { display: flex; flex-wrap: wrap; gap: .7rem; align-items: flex-end; }
    form.inline { display: inline; }
    label { display: flex; flex-direction: column; gap: .2rem; font-weight: 600; }
    label.check { flex-direction: row; font-weight: 400; align-items: center; gap: .4rem; }
    input, select, textarea, button { font: inherit; padding: .45rem .6rem; border: 1px solid #9aa5b1; border-radius: 6px; }
    input[type=color] { padding: 0; width: 4rem; height: 2.4rem; }
    button, .button { background: var(--primary); color: #fff; border: none; cursor: pointer; padding: .5rem 1rem; border-radius: 6px; text-decoration: none; display: inline-block; }
    .danger button { background: #b42318; }
    .narrow { max-width: 420px; margin: 2rem auto; }
    form.wide, .wide { max-width: none; }
    .actions { margin: .5rem 0; gap: 1rem; align-items: center; }
    progress { width: 100%; height: 1.4rem; }
    img.photo { max-width: 100%; max-height: 320px; border-radius: 6px; }
    .map { height: 260px; border-radius: 6px; margin-top: .4rem; border: 1px solid #9aa5b1; }
    del { color: #b42318; } ins { color: #1b5e20; text-decoration: none; }
    .notice { background: #fff8e1; border: 1px solid var(--accent); padding: .6rem .9rem; border-radius: 6px; }
    .error-text { color: #b42318; font-weight: 600; }
    .error h1 { color: #b42318; }
    .badge { background: #b42318; color: #fff; font-size: .75rem; padding: 0 .35rem; border-radius: 4px; }
    fieldset { border: 1px solid #d9e2ec; border-radius: 6px; }
    #field-table tr.field-row td { border-bottom: none; }
    #field-table tr.field-more td { padding-top: 0; }
    #field-table tr.field-more p { margin: .2rem 0; }
    #field-table details { position: sticky; left: .6rem; max-width: calc(100vw - 3rem); }
    #field-table summary { cursor: pointer; color: var(--primary); }
    #field-table details > .row { margin: .4rem 0; }
    #field-table tbody.field:has(select[name$="[type]"] option:checked:not([value="reference"])) .ref-only { display: none; }
    /* On a phone each field is a card: its main row wraps into a grid whose cells are labelled
       (the table's header is hidden), so nothing needs sideways scrolling. */
    @media (max-width: 720px) {
      #field-table, #field-table tbody.field, #field-table tr, #field-table td { display: block; }
      #field-table thead { display: none; }
      #field-table tbody.field { border: 1px solid #d9e2ec; border-radius: 6px; margin-bottom: .6rem; padding: .5rem; }
      #field-table tr.field-row { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .4rem .6rem; }
      #field-table tr.field-row td { display: flex; flex-direction: column; gap: .1rem; padding: 0; border: none; min-width: 0; }
      #field-table tr.field-row td::before { content: attr(data-label); font-size: .9rem; font-weight: 600; }
      #field-table tr.field-row td.check { flex-direction: row-reverse; justify-content: flex-end; align-items: center; gap: .4rem; }
      #field-table tr.field-row input:not([type=checkbox]), #field-table tr.field-row select { width: 100%; min-width: 0; }
      #field-table tr.field-more td { padding: .4rem 0 0; border: none; }
      #field-table details { position: static; max-width: none; }
      #field-table details > .row > label { flex: 1 1 9rem; min-width: 0; }
      #field-table details input, #field-table details select { width: 100%; min-width: 0; }
    }
    /* The recovery workbench: one table per record, rows = fields, columns = copies. */
    .recovery-copies { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: .75rem; }
    .recovery-copies .card { overflow-x: auto; }
    .recovery-columns select { max-width: 10rem; }
    #recovery-fields label.check { white-space: nowrap; }
    #recovery-fields td.filled-from { font-size: .85rem; min-width: 14rem; }
    .recovery-record { margin: 1rem 0; }
    .recovery-record h3 { margin: .2rem 0; }
    .recovery-values tr.disagree > * { background: #fdecea; }
    .recovery-values tr.differs > * { background: #fff8e1; }
    .recovery-values td.chosen { outline: 2px solid var(--primary); outline-offset: -2px; font-weight: 600; }
    .recovery-values td.final input { margin-top: .2rem; }
    .tag { font-size: .75rem; padding: 0 .35rem; border-radius: 4px; font-weight: 400; white-space: nowrap; }
    .tag-disagree { background: #b42318; color: #fff; }
    .tag-differs { background: var(--accent); color: var(--ink); }
    footer { text-align: center; padding: 2rem 1rem; font-size: .9rem; }
    @media (max-width: 480px) { body { font-size: 16px; } main { padding: .6rem; } .brand { font-size: 1rem; } th, td { padding: .35rem; } }
    """
}
