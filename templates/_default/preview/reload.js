// presser serve: reload this page when what it shows has changed on disk.
// The page carries the version it was made from (data-token); the server holds
// each request until that version is no longer current (or ~25 s pass), so an
// unchanged file never reloads the page, and a server restarted meanwhile
// (another version) reloads it once it answers again.
(function () {
  "use strict";
  var root = document.documentElement;
  var key = root.dataset.key || "";
  var token = root.dataset.token || "";
  function ask() {
    var address = "/_presser/changes?key=" + encodeURIComponent(key) +
      "&token=" + encodeURIComponent(token);
    fetch(address, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        if (answer.token !== token) { window.location.reload(); } else { ask(); }
      })
      .catch(function () { window.setTimeout(ask, 1000); });
  }
  ask();
}());
