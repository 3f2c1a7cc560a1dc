import { createHash } from 'node:crypto';

/**
 * The UI's one script, served at /ui/assets/app.js (no CDN, no inline script: the pages' CSP says
 * `script-src 'self'`). A TS module rather than a file, so the bundle carries it. Progressive: every page works
 * without it, and each part does nothing on a page that lacks its elements.
 *
 * 1. Search as you type on the home page: fetches /api/search (relative to the page), renders the same markup as
 *    the server (routes/ui-home.ts, pages/home.ts) for the results, their count and the pagination, and keeps the
 *    address linkable with the same query parameters. On a failed fetch the server's results stay and the form
 *    submits as without the script.
 * 2. Copy buttons: shows the hidden `button.copy[data-copy]` and copies the text of the element they name.
 * 3. Tabs on the chart page: `nav.tabs` becomes an accessible tab list over the sections it links to.
 *
 * The DOM is built with createElement and textContent only (chart data is hostile): no markup strings, no
 * eval, no inline handlers. Plain ES2020, no console output.
 */
export const APP_JS = `'use strict';
(function () {
  var PER_PAGE = 20;
  var PAGE_WINDOW = 2;
  var doc = document;

  /** Says something to screen readers through one polite live region (made on first use). */
  function announce(text) {
    var region = doc.getElementById('ui-announce');
    if (!region) {
      region = doc.createElement('div');
      region.id = 'ui-announce';
      region.className = 'visually-hidden';
      region.setAttribute('role', 'status');
      region.setAttribute('aria-live', 'polite');
      doc.body.appendChild(region);
    }
    region.textContent = '';
    setTimeout(function () { region.textContent = text; }, 30);
  }

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- 1. Search as you type ----
  function initSearch() {
    var form = doc.querySelector('form[role=search]');
    var list = doc.getElementById('results');
    var count = doc.getElementById('result-count');
    if (!form || !list || !count || !window.fetch || !window.AbortController || !window.URLSearchParams || !window.FormData) return;
    var input = form.querySelector('input[name=q]');
    if (!input) return;
    var noResults = doc.getElementById('no-results');
    var timer = 0;
    var controller = null;
    var broken = false;
    var seq = 0;

    /** The form's parameters, as the home page's URL has them (empty fields left out). */
    function formParams() {
      var data = new FormData(form);
      var p = new URLSearchParams();
      ['q', 'repo', 'deprecated', 'type'].forEach(function (k) {
        var v = data.get(k);
        if (typeof v === 'string' && v !== '') p.set(k, v);
      });
      return p;
    }

    function pageHref(params, page) {
      var p = new URLSearchParams(params);
      if (page > 1) p.set('page', String(page)); else p.delete('page');
      var s = p.toString();
      return s ? '?' + s : './';
    }

    function chartHref(r) {
      return r.repo ? 'ui/r/' + encodeURIComponent(r.repo) + '/charts/' + encodeURIComponent(r.name) : 'ui/charts/' + encodeURIComponent(r.name);
    }

    function badge(className, text, title) {
      var b = el('span', 'badge ' + className, text);
      if (title) b.title = title;
      return b;
    }

    function resultItem(r) {
      var li = el('li', 'result');
      // The API sends only safe icons; checked again here all the same (https, or a raster data URL).
      var icon = typeof r.icon === 'string' && (/^https:\\/\\//i.test(r.icon) || /^data:image\\/(png|jpeg|gif|webp);/i.test(r.icon)) ? r.icon : null;
      if (icon) {
        var img = el('img', 'result-icon');
        img.src = icon;
        img.alt = '';
        img.width = 48;
        img.height = 48;
        img.loading = 'lazy';
        li.appendChild(img);
      } else {
        var ph = el('span', 'result-icon');
        ph.setAttribute('aria-hidden', 'true');
        li.appendChild(ph);
      }
      var body = el('div', 'result-body');
      var h = el('h2', 'result-title');
      var a = el('a', 'result-name', r.name);
      a.href = chartHref(r);
      h.appendChild(a);
      var badges = [];
      if (r.repo) badges.push(badge('result-repo', r.repo, 'Repository'));
      if (r.deprecated === true) badges.push(badge('deprecated', 'Deprecated'));
      if (r.type === 'library') badges.push(badge('library', 'Library'));
      if (r.engine === 'handlebars') badges.push(badge('engine', 'engine: handlebars', 'Install it with Chartroom: helm cannot render it'));
      badges.forEach(function (b) { h.appendChild(doc.createTextNode(' ')); h.appendChild(b); });
      body.appendChild(h);
      body.appendChild(r.description ? el('p', 'result-description', r.description) : el('p', 'result-description muted', 'No description.'));
      var meta = el('p', 'result-meta muted', 'Version ');
      meta.appendChild(el('span', 'result-version', r.latestVersion));
      if (r.appVersion) {
        meta.appendChild(doc.createTextNode(' \\u00b7 app '));
        meta.appendChild(el('span', 'result-app-version', r.appVersion));
      }
      if (typeof r.updated === 'string' && r.updated) {
        meta.appendChild(doc.createTextNode(' \\u00b7 updated '));
        var t = el('time', '', r.updated.slice(0, 10));
        t.setAttribute('datetime', r.updated);
        meta.appendChild(t);
      }
      body.appendChild(meta);
      li.appendChild(body);
      return li;
    }

    function pageNumbers(page, pageCount) {
      var out = [];
      for (var n = 1; n <= pageCount; n++) {
        if (n === 1 || n === pageCount || Math.abs(n - page) <= PAGE_WINDOW) out.push(n);
        else if (out[out.length - 1] !== 0) out.push(0);
      }
      return out;
    }

    function pagination(params, page, total) {
      var pageCount = Math.ceil(total / PER_PAGE);
      if (pageCount <= 1) return null;
      var nav = el('nav', 'pagination');
      nav.setAttribute('aria-label', 'Pages');
      var ul = el('ul');
      function item(node) { var li = el('li'); li.appendChild(node); ul.appendChild(li); }
      function link(text, target) { var a = el('a', '', text); a.href = pageHref(params, target); return a; }
      if (page > 1) { var prev = link('Previous', Math.min(page - 1, pageCount)); prev.rel = 'prev'; item(prev); }
      pageNumbers(page, pageCount).forEach(function (n) {
        if (n === 0) { var gap = el('span', 'gap', '\\u2026'); gap.setAttribute('aria-hidden', 'true'); item(gap); return; }
        var a = link(String(n), n);
        if (n === page) a.setAttribute('aria-current', 'page');
        item(a);
      });
      if (page < pageCount) { var next = link('Next', page + 1); next.rel = 'next'; item(next); }
      nav.appendChild(ul);
      return nav;
    }

    function render(params, data) {
      var results = Array.isArray(data.results) ? data.results : [];
      var total = typeof data.total === 'number' ? data.total : results.length;
      var page = typeof data.page === 'number' ? data.page : 1;
      var items = [];
      results.forEach(function (r) {
        if (r && typeof r.name === 'string' && typeof r.latestVersion === 'string') items.push(resultItem(r));
      });
      list.replaceChildren.apply(list, items);
      var text = total === 1 ? '1 chart' : total + ' charts';
      count.textContent = text;
      if (noResults) noResults.hidden = total !== 0;
      var old = doc.querySelector('nav.pagination');
      var nav = pagination(params, page, total);
      if (old && nav) old.replaceWith(nav);
      else if (old) old.remove();
      else if (nav) list.after(nav);
      var url = new URL(window.location.href);
      url.search = params.toString();
      try { history.replaceState(history.state, '', url.href); } catch (e) { /* an address the browser refuses: keep the old one */ }
      // #result-count is itself a polite live region: changing its text announces the new count.
    }

    /** Searches now; resolves true when the results were shown, false when the fetch failed (or was replaced). */
    function search() {
      clearTimeout(timer);
      if (controller) controller.abort();
      var ctl = new AbortController();
      controller = ctl;
      var mine = ++seq;
      var params = formParams();
      var api = new URL('api/search', doc.baseURI);
      params.forEach(function (v, k) { api.searchParams.set(k, v); });
      api.searchParams.set('per_page', String(PER_PAGE));
      return fetch(api.href, { signal: ctl.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (!res.ok) throw new Error('search failed');
          return res.json();
        })
        .then(function (data) {
          if (mine !== seq) return false;
          render(params, data && typeof data === 'object' ? data : {});
          return true;
        })
        .catch(function () {
          if (ctl.signal.aborted || mine !== seq) return false;
          broken = true;
          return false;
        });
    }

    function later() {
      if (broken) return;
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    }

    input.addEventListener('input', later);
    Array.prototype.forEach.call(form.querySelectorAll('select'), function (s) {
      s.addEventListener('change', function () { if (!broken) search(); });
    });
    form.addEventListener('submit', function (ev) {
      if (broken) return;
      ev.preventDefault();
      search().then(function (shown) {
        if (!shown && broken) form.submit();
      });
    });
  }

  // ---- 2. Copy buttons ----
  function selectText(node) {
    var sel = window.getSelection && window.getSelection();
    if (!sel) return;
    var range = doc.createRange();
    range.selectNodeContents(node);
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function initCopy() {
    Array.prototype.forEach.call(doc.querySelectorAll('button.copy[data-copy]'), function (button) {
      var label = button.textContent;
      var timer = 0;
      button.hidden = false;
      function copied() {
        button.setAttribute('data-copied', '');
        button.textContent = 'Copied';
        announce('Copied');
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.removeAttribute('data-copied');
          button.textContent = label;
        }, 2000);
      }
      function fallback(source) {
        selectText(source);
        var ok = false;
        try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
        if (ok) copied();
        else announce('Selected: press Control+C or Command+C to copy');
      }
      button.addEventListener('click', function () {
        var source = doc.getElementById(button.getAttribute('data-copy') || '');
        if (!source) return;
        var text = source.textContent || '';
        if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
          navigator.clipboard.writeText(text).then(copied, function () { fallback(source); });
        } else fallback(source);
      });
    });
  }

  // ---- 3. Tabs ----
  function initTabs() {
    var nav = doc.querySelector('nav.tabs');
    if (!nav) return;
    var tabs = [];
    Array.prototype.forEach.call(nav.querySelectorAll('a[href^="#"]'), function (a) {
      var id;
      try { id = decodeURIComponent((a.getAttribute('href') || '').slice(1)); } catch (e) { return; }
      var panel = id ? doc.getElementById(id) : null;
      if (panel && panel !== nav && !nav.contains(panel)) tabs.push({ a: a, panel: panel, id: id });
    });
    if (tabs.length < 2) return;
    var list = nav.querySelector('ul') || nav;
    list.setAttribute('role', 'tablist');
    if (nav.getAttribute('aria-label')) list.setAttribute('aria-label', nav.getAttribute('aria-label'));
    Array.prototype.forEach.call(list.children, function (li) { if (li.tagName === 'LI') li.setAttribute('role', 'presentation'); });
    tabs.forEach(function (t) {
      if (!t.a.id) t.a.id = 'tab-' + t.id;
      t.a.setAttribute('role', 'tab');
      t.a.setAttribute('aria-controls', t.panel.id);
      t.panel.setAttribute('role', 'tabpanel');
      if (!t.panel.hasAttribute('aria-labelledby')) t.panel.setAttribute('aria-labelledby', t.a.id);
    });
    var current = -1;

    function select(i, focus) {
      current = i;
      tabs.forEach(function (t, j) {
        var on = j === i;
        t.a.setAttribute('aria-selected', on ? 'true' : 'false');
        t.a.tabIndex = on ? 0 : -1;
        t.panel.hidden = !on;
      });
      if (focus) tabs[i].a.focus();
    }

    function indexOfPanelHolding(node) {
      for (var i = 0; i < tabs.length; i++) if (tabs[i].panel === node || tabs[i].panel.contains(node)) return i;
      return -1;
    }

    /** Shows the tab the address's fragment names, or the one holding the element it names (a README heading). */
    function fromHash() {
      var id = '';
      try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { id = ''; }
      var target = id ? doc.getElementById(id) : null;
      var i = target ? indexOfPanelHolding(target) : -1;
      if (i < 0) { if (current < 0) select(0, false); return; }
      select(i, false);
      if (target !== tabs[i].panel && typeof target.scrollIntoView === 'function') target.scrollIntoView();
    }

    tabs.forEach(function (t, i) {
      t.a.addEventListener('click', function (ev) {
        ev.preventDefault();
        select(i, true);
        try { history.replaceState(history.state, '', '#' + encodeURIComponent(t.id)); } catch (e) { /* keep the old address */ }
      });
    });
    list.addEventListener('keydown', function (ev) {
      var i = current < 0 ? 0 : current;
      var n = tabs.length;
      var next = -1;
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') next = (i + 1) % n;
      else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') next = (i - 1 + n) % n;
      else if (ev.key === 'Home') next = 0;
      else if (ev.key === 'End') next = n - 1;
      if (next < 0) return;
      ev.preventDefault();
      select(next, true);
      try { history.replaceState(history.state, '', '#' + encodeURIComponent(tabs[next].id)); } catch (e) { /* keep the old address */ }
    });
    // A link inside a panel to an element of another (or the same) panel: show that panel, then the element.
    doc.addEventListener('click', function (ev) {
      var a = ev.target && ev.target.closest ? ev.target.closest('a[href^="#"]') : null;
      if (!a || nav.contains(a)) return;
      var id;
      try { id = decodeURIComponent((a.getAttribute('href') || '').slice(1)); } catch (e) { return; }
      var target = id ? doc.getElementById(id) : null;
      var i = target ? indexOfPanelHolding(target) : -1;
      if (i >= 0 && i !== current) select(i, false);
    });
    window.addEventListener('hashchange', fromHash);
    window.addEventListener('popstate', fromHash);
    fromHash();
  }

  function start() {
    [initSearch, initCopy, initTabs].forEach(function (init) {
      try { init(); } catch (e) { /* one part failing leaves the page as the server made it */ }
    });
  }
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;

/** The script's ETag: it changes only with the code. */
export const APP_JS_ETAG = `"js-${createHash('sha256').update(APP_JS).digest('hex').slice(0, 16)}"`;
