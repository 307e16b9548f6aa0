/* Kuulo discussion pages: smoother, never required. Without this script every link and
   form works as a page of its own. With it:
   - "Add a comment" of a paragraph moves the comment form next to that paragraph;
   - a paragraph's comment count shows its thread in place (a page of the newest threads);
   - "Show older comments" adds the next page in place;
   - the comment field shows how many characters are left. */
(function () {
  "use strict";

  function fetchFragment(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      });
  }

  function paragraphOf(element) {
    return element.closest(".para");
  }

  function threadBox(paragraph) {
    return document.getElementById("thread-" + paragraph.id);
  }

  function toggleThread(link) {
    var paragraph = paragraphOf(link);
    var box = threadBox(paragraph);
    if (box) {
      var open = box.hidden;
      box.hidden = !open;
      if (box.tagName === "DETAILS") { box.open = open; box.hidden = false; }
      link.setAttribute("aria-expanded", String(open));
      return;
    }
    link.setAttribute("aria-busy", "true");
    fetchFragment(link.href + "&fragment=1").then(function (html) {
      box = document.createElement("div");
      box.className = "para-comments";
      box.id = "thread-" + paragraph.id;
      box.innerHTML = html;
      paragraph.querySelector(".para-tools").after(box);
      link.setAttribute("aria-controls", box.id);
      link.setAttribute("aria-expanded", "true");
    }).catch(function () {
      window.location.href = link.href;
    }).finally(function () {
      link.removeAttribute("aria-busy");
    });
  }

  function showOlder(link) {
    var holder = link.closest(".more-comments");
    fetchFragment(link.getAttribute("data-fragment")).then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html;
      var first = template.content.querySelector(".comment");
      holder.replaceWith(template.content);
      if (first) {
        var card = document.getElementById(first.id);
        card.setAttribute("tabindex", "-1");
        card.focus();
      }
    }).catch(function () {
      window.location.href = link.href;
    });
  }

  function openFormAt(link) {
    var form = document.querySelector("form#comment-form");
    if (!form) { return false; }  // not signed in, or not allowed: the link's page says why
    var paragraph = paragraphOf(link);
    var select = form.querySelector("select[name=paragraph]");
    if (!select) { return false; }
    select.value = paragraph.id;
    if (select.value !== paragraph.id) { return false; }
    paragraph.querySelector(".para-tools").after(form);
    form.classList.add("inline-comment-form");
    var body = form.querySelector("textarea[name=body]");
    (body || form).focus();
    return true;
  }

  function countCharacters(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var counter = document.getElementById(field.id + "-count");
    if (!limit || !counter) { return; }
    var update = function () {
      var left = limit - field.value.length;
      counter.textContent = counter.getAttribute("data-template").replace("{n}", left.toLocaleString(document.documentElement.lang));
    };
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest("a");
    if (!link) { return; }
    if (link.matches(".para .para-count")) {
      event.preventDefault();
      toggleThread(link);
    } else if (link.matches(".more-comments a[data-fragment]")) {
      event.preventDefault();
      showOlder(link);
    } else if (link.matches(".para .para-comment")) {
      if (openFormAt(link)) { event.preventDefault(); }
    }
  });

  document.querySelectorAll("textarea[maxlength]").forEach(countCharacters);

  // The comment just posted: its card says so; focus there so that it is read out.
  var posted = document.querySelector(".comment.just-posted");
  if (posted) {
    posted.setAttribute("tabindex", "-1");
    posted.focus();
  }

  // A form sent back with errors: to its paragraph (when it was opened there), focus on
  // the summary of what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    var form = summary.closest("form#comment-form");
    var select = form && form.querySelector("select[name=paragraph]");
    var paragraph = select && select.value && document.getElementById(select.value);
    if (paragraph && paragraph.classList.contains("para")) {
      paragraph.querySelector(".para-tools").after(form);
      form.classList.add("inline-comment-form");
    }
    summary.focus();
  }
}());
