// While an upload is being checked: ask the server four times a second whether it is done and
// show the page again at once (without JavaScript the page refreshes itself every 3 seconds).
(function () {
  "use strict";
  var verdict = document.getElementById("verdict");
  var url = verdict && verdict.getAttribute("data-checking");
  if (!url) {
    return;
  }
  function ask() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.waiting === 0) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 250);
        }
      })
      .catch(function () { window.setTimeout(ask, 2000); });
  }
  window.setTimeout(ask, 250);
})();
