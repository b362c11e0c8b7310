// planbot: the question page. Without this script the form still works
// (GET /?q=…, answered on the server); with it, questions are asked with
// POST /api/ask and the answers stack up like a chat. No state is kept
// but what the last question searched, sent as the context of the next
// (那2025年呢 after 森林覆盖率2020年是多少).
(function () {
  'use strict';
  var form = document.getElementById('ask');
  if (!form || !window.fetch) { return; }
  var input = document.getElementById('q');
  var send = document.getElementById('send');
  var log = document.getElementById('log');
  var note = document.getElementById('context-note');
  var noteQ = document.getElementById('context-q');
  var plan = form.getAttribute('data-plan') || '';
  var ctxField = form.querySelector('input[name=context]');
  var context = ctxField ? ctxField.value : '';
  if (ctxField) { ctxField.parentNode.removeChild(ctxField); }

  function setContext(q) {
    context = q;
    noteQ.textContent = q;
    note.hidden = !q;
  }

  // fragment turns the server's HTML of an answer (every text escaped
  // there) into nodes.
  function fragment(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    return t.content;
  }

  function line(cls, text) {
    var p = document.createElement('p');
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function post(body) {
    if (plan) { body.plan = plan; }
    return fetch('/api/ask', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit'
    }).then(function (r) {
      return r.json().then(function (v) {
        if (!r.ok) { throw new Error(v && v.error ? v.error : '出了点问题，请稍后再试。'); }
        return v;
      }, function () { throw new Error('出了点问题，请稍后再试。'); });
    }, function () { throw new Error('连不上服务，请检查网络后再试。'); });
  }

  function busy(on) {
    send.disabled = on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function ask(q, withContext) {
    var turn = document.createElement('div');
    turn.className = 'turn';
    var you = line('you', q);
    you.insertBefore(fragment('<span class="sr">你问：</span>'), you.firstChild);
    turn.appendChild(you);
    var wait = line('pending', '正在查找……');
    turn.appendChild(wait);
    log.appendChild(turn);
    busy(true);
    var body = { q: q };
    if (withContext && context) { body.context = context; }
    post(body).then(function (a) {
      turn.replaceChild(fragment(a.html), wait);
      // The next question may follow this one up: it goes with what was
      // searched, this question read with its own context.
      setContext(a.outcome === 'decline' ? '' : a.query);
    }, function (err) {
      turn.replaceChild(line('error', err.message), wait);
    }).then(function () {
      busy(false);
      // The answer from its start, where reading begins.
      turn.scrollIntoView({ block: 'start' });
      tellHeight();
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (!q) { input.focus(); return; }
    input.value = '';
    ask(q, true);
    input.focus();
  });

  document.getElementById('new-topic').addEventListener('click', function () {
    setContext('');
    input.focus();
  });

  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a.example, a.more') : null;
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    e.preventDefault();
    if (a.classList.contains('example')) {
      setContext('');
      ask(a.textContent, false);
      return;
    }
    more(a);
  });

  // more fetches the next page of an answer into it, and puts the focus on
  // the first new result, so that the keyboard goes on from there.
  function more(a) {
    if (a.getAttribute('aria-disabled') === 'true') { return; }
    var answer = a.closest('.answer');
    var row = a.parentNode;
    // data-q is what the answer searched, its context included.
    var body = { q: a.getAttribute('data-q'), offset: parseInt(a.getAttribute('data-offset'), 10) };
    a.setAttribute('aria-disabled', 'true');
    post(body).then(function (v) {
      var got = fragment(v.html);
      var list = answer.querySelector('ol.results');
      var first = null;
      got.querySelectorAll('ol.results > li').forEach(function (li) {
        li.tabIndex = -1;
        if (!first) { first = li; }
        list.appendChild(li);
      });
      var next = got.querySelector('.more-row');
      if (next) { row.parentNode.replaceChild(next, row); } else { row.parentNode.removeChild(row); }
      if (first) { first.focus(); }
    }, function (err) {
      row.replaceChild(line('error', err.message), a);
    }).then(tellHeight);
  }

  // In an iframe (embed.js), tell the page around how tall this one is.
  function tellHeight() {
    if (window.parent !== window) {
      // The body's own height: the document's is at least the frame's.
      window.parent.postMessage({ planbotHeight: Math.ceil(document.body.getBoundingClientRect().height) }, '*');
    }
  }
  if (window.parent !== window) {
    window.addEventListener('load', tellHeight);
    window.addEventListener('resize', tellHeight);
  }
  if (log.querySelector('.answer')) { setContext(context); }
})();
