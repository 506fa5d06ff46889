// Atalaya working pages: the upload form sends its file with
// XMLHttpRequest to show the upload's progress, then opens the batch's
// page. Without this script the form posts as usual.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var box = document.getElementById("upload-box");
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");
  // "41 %" in French, "41%" in English: the page's language decides.
  var pct = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" });

  function failed() {
    status.textContent = form.getAttribute("data-failed");
    button.disabled = false;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    box.hidden = false;
    button.disabled = true;
    bar.max = 100;
    bar.value = 0;
    status.textContent = form.getAttribute("data-sending");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", form.elements.csrf.value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total > 0) {
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = form.getAttribute("data-sending") + " " + pct.format(e.loaded / e.total);
      }
    });
    xhr.upload.addEventListener("load", function () {
      // Sent: the node now checks and stores the rows.
      bar.removeAttribute("value");
      status.textContent = form.getAttribute("data-processing");
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (xhr.status >= 200 && xhr.status < 300 && type.indexOf("application/json") === 0) {
        var res = JSON.parse(xhr.responseText);
        window.location.assign(res.location);
        return;
      }
      // A refusal: show the node's error page in place of this one's main.
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = doc.getElementById("main");
      if (!main) {
        failed();
        return;
      }
      document.getElementById("main").replaceWith(document.importNode(main, true));
      document.title = doc.title;
    });
    xhr.addEventListener("error", failed);
    xhr.send(new FormData(form));
  });
})();
