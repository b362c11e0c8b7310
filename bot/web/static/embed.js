// planbot: one <script> tag puts the question page in another site.
//   <script src="https://planbot.example.org/embed.js" data-plan="…" async></script>
// It adds an iframe after itself, as wide as its container, and follows the
// page's height. data-plan picks a plan; data-height sets the first height.
(function () {
  'use strict';
  var s = document.currentScript;
  if (!s) { return; }
  var origin = new URL(s.src, document.baseURI).origin;
  var url = origin + '/?embed=1';
  var plan = s.getAttribute('data-plan');
  if (plan) { url += '&plan=' + encodeURIComponent(plan); }
  var f = document.createElement('iframe');
  f.src = url;
  f.title = '规划智能问答';
  f.setAttribute('loading', 'lazy');
  f.style.width = '100%';
  f.style.border = '0';
  f.style.height = (parseInt(s.getAttribute('data-height'), 10) || 560) + 'px';
  s.parentNode.insertBefore(f, s.nextSibling);
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== f.contentWindow || !e.data) { return; }
    var h = parseInt(e.data.planbotHeight, 10);
    if (h > 0 && h < 20000) { f.style.height = h + 'px'; }
  });
})();
