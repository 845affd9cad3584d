// presser serve: reload this page when what it shows has changed on disk.
// The page carries the version it was made from (data-token); the server holds
// each request until that version is no longer current (or ~25 s pass), so an
// unchanged file never reloads the page, and a server restarted meanwhile
// (another version) reloads it once it answers again. Where the writer had
// scrolled to in the output is kept across the reload.
(function () {
  "use strict";
  var root = document.documentElement;
  var key = root.dataset.key || "";
  var token = root.dataset.token || "";
  var place = "presser-scroll:" + window.location.pathname;

  function scroller() {
    var frame = document.querySelector("iframe.output");
    try {
      return frame && frame.contentWindow ? frame.contentWindow : window;
    } catch (error) {
      return window;
    }
  }

  function remember() {
    try {
      var view = scroller();
      window.sessionStorage.setItem(place, JSON.stringify([view.scrollX, view.scrollY]));
    } catch (error) { /* storage refused: the page reloads at its top */ }
  }

  function restore() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(place) || "null");
      window.sessionStorage.removeItem(place);
    } catch (error) { saved = null; }
    if (!saved) { return; }
    var frame = document.querySelector("iframe.output");
    var apply = function () { scroller().scrollTo(saved[0], saved[1]); };
    if (frame) {
      frame.addEventListener("load", apply);
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") { apply(); }
    } else {
      apply();
    }
  }

  function ask() {
    var address = "/_presser/changes?key=" + encodeURIComponent(key) +
      "&token=" + encodeURIComponent(token);
    fetch(address, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        if (answer.token !== token) {
          remember();
          window.location.reload();
        } else {
          ask();
        }
      })
      .catch(function () { window.setTimeout(ask, 1000); });
  }

  restore();
  ask();
}());
