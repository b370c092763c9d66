"""The page's own look and one behaviour Gradio lacks: the CSS of the answer, source cards (grouped by story), the
suggested questions, story cards, figures and feeds, and the script that makes an answer's [n] jump to its source
card. ``launch`` (ui.app) hands both to Gradio."""

from __future__ import annotations

# An [n] in an answer scrolls the sources panel to card n and outlines it (the chat's sanitiser opens every link in a
# new tab, so the in-page jump is made here).
HEAD = r"""<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.nr-cite");
  if (!link) return;
  event.preventDefault();
  const number = link.dataset.source || (link.textContent.match(/\d+/) || [""])[0];  // the sanitiser may drop data-*
  const card = document.getElementById("nr-source-" + number);
  if (!card) return;
  card.scrollIntoView({behavior: "smooth", block: "nearest"});
  card.classList.add("nr-flash");
  setTimeout(() => card.classList.remove("nr-flash"), 1500);
}, true);
</script>"""
CSS = """
.nr-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px}
.nr-head {font-weight: 600} .nr-num {color: var(--color-accent)} .nr-meta {font-size: 0.85em; opacity: 0.75}
.nr-passage {margin: 6px 0 0 0; font-size: 0.9em; white-space: pre-wrap}
.nr-passage mark {background: #fde68a; color: inherit; padding: 0 1px}
.nr-empty, .nr-status {opacity: 0.75; padding: 6px 0}
.nr-answer p {margin: 0 0 8px 0} .nr-missing {font-weight: 600} .nr-writing {opacity: 0.6; font-style: italic}
.nr-points-head {font-weight: 600; margin-top: 4px} .nr-points, .nr-evidence {margin: 4px 0 0 0; padding-left: 18px}
.nr-points li, .nr-evidence li {margin-bottom: 4px} a.nr-cite {text-decoration: none; font-weight: 600}
.nr-card.nr-flash {outline: 2px solid var(--color-accent)}
.nr-group {border-left: 3px solid var(--color-accent); padding-left: 8px; margin-bottom: 12px}
.nr-group-head {margin-bottom: 6px} .nr-group-title {font-weight: 600}
.nr-outlets .nr-outlet {margin: 10px 0 2px 0}
#suggestions {gap: 4px} #suggestions .nr-ask-next p {margin: 0; font-size: 0.9em; opacity: 0.75}
#suggestions .nr-suggestion {white-space: normal; text-align: left; height: auto}
#stats table.nr-stats, #stats .nr-stats tr {border-collapse: collapse; border: none; margin: 0}
#stats .nr-stats th, #stats .nr-stats td {border: none; padding: 6px 24px 6px 0; text-align: left; vertical-align: top}
#stats .nr-stats th {font-weight: 600; white-space: nowrap}
#stats .nr-stats tr + tr > * {border-top: 1px solid var(--border-color-primary)}
.nr-stories {margin: 4px 0 0 0; padding-left: 20px} .nr-stories > li {margin-bottom: 8px}
.nr-story-title {font-weight: 600}
.nr-story {padding: 10px 12px} .nr-story .nr-points {margin-top: 6px}
#story-cards a.nr-source-link, #story-cards .nr-points .nr-num {text-decoration: none; font-weight: 600;
  font-size: 0.9em; color: var(--color-accent)}
.nr-more summary {cursor: pointer; font-size: 0.9em; opacity: 0.75}
.nr-articles {margin: 4px 0 0 0; padding-left: 18px; font-size: 0.9em}
.nr-ask {margin-top: 8px; padding: var(--button-small-padding); border-radius: var(--button-small-radius);
  border: 1px solid var(--button-secondary-border-color); background: var(--button-secondary-background-fill);
  color: var(--button-secondary-text-color); font-size: 0.9em; cursor: pointer}
.nr-ask:hover {background: var(--button-secondary-background-fill-hover)}
.nr-note {font-style: italic; opacity: 0.85; padding: 6px 0 0 0}
.nr-error {color: var(--error-text-color); font-weight: 600; padding: 6px 0}
.nr-feeds {border-collapse: collapse; width: 100%}
.nr-feeds th, .nr-feeds td {text-align: left; padding: 4px 12px 4px 0;
  border-bottom: 1px solid var(--border-color-primary); vertical-align: top; word-break: break-word}
"""
