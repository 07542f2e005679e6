/*
 * Portico's host-page script. Put the connect widget on your page:
 *
 *   <script src="https://connect.example.com/portico.js"></script>
 *   <div id="apps"></div>
 *   <script>
 *     Portico.embed({ token: embedToken, container: '#apps', onEvent: function (e) { … } });
 *   </script>
 *
 * `token` is an embed token (or the whole `embed_url`) from POST /api/v2/public/embed-token.
 * The frame grows to fit its content. `onEvent` receives portico:ready, portico:connected,
 * portico:reauth_required, portico:disconnected, portico:error and portico:resize, and only
 * from Portico's own frame: every message's origin and source are checked.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var home = script && script.src ? new URL(script.src).origin : window.location.origin;

  function embed(options) {
    options = options || {};
    if (!options.token) throw new Error('Portico.embed: token is required');
    var container = typeof options.container === 'string'
      ? document.querySelector(options.container) : options.container;
    if (!container) throw new Error('Portico.embed: container not found');
    var src = /^https?:\/\//.test(options.token)
      ? new URL(options.token)
      : new URL('/embed/' + encodeURIComponent(options.token), options.baseUrl || home);
    var origin = src.origin;

    var frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = options.title || 'Connect your apps';
    frame.style.cssText = 'display:block;width:100%;height:480px;border:0;color-scheme:light';
    container.appendChild(frame);

    // The widget knocks once it listens (after each load of the frame); it answers this hello
    // only from an origin its org allowed, and talks to that origin alone from then on.
    function hello() {
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: 'portico:hello' }, origin);
    }

    function receive(event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || typeof data.type !== 'string' || data.type.indexOf('portico:') !== 0) return;
      if (data.type === 'portico:knock') return hello();
      if (data.type === 'portico:resize' && data.height > 0) {
        frame.style.height = Math.ceil(data.height) + 'px';
      }
      if (typeof options.onEvent === 'function') options.onEvent(data);
    }
    window.addEventListener('message', receive);

    return {
      frame: frame,
      destroy: function () {
        window.removeEventListener('message', receive);
        frame.remove();
      },
    };
  }

  window.Portico = { embed: embed };
})();
