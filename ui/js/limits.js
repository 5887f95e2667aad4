// The services' documented limits, checked as the person types so the reason shows next to
// the field. The engine checks again (validate_request) before anything is sent.

import { formatNumber } from "./format.js";

export const LIMITS = {
  gamma: { content: 400000, slidesMin: 1, slidesMax: 75, slidesNote: "Pro plans allow up to 60.", instructions: 2000 },
  presenton: { content: 100000, slidesMin: 1, slidesMax: 50, slidesNote: "", instructions: 10000, tocMin: 3 },
  "presenton-self": { content: 100000, slidesMin: 1, slidesMax: 50, slidesNote: "", instructions: 10000, tocMin: 3 },
};

/**
 * Problems with a form, by field name ("content", "slides", "instructions"); empty when fine.
 * @param {string} provider
 * @param {{content: string, slides: string, instructions: string, cardSplit?: string, toc?: boolean, hasFiles?: boolean}} form
 */
export function checkLimits(provider, form) {
  const l = LIMITS[provider];
  const problems = {};
  if (!l) return problems;
  const name = provider === "gamma" ? "Gamma" : "Presenton";

  const content = form.content || "";
  if (!content.trim() && !form.hasFiles) problems.content = "Type a topic or paste your notes first.";
  else if (content.length > l.content) {
    problems.content = `${name} accepts up to ${formatNumber(l.content)} characters; this has ${formatNumber(content.length)}. Shorten it by ${formatNumber(content.length - l.content)}.`;
  }

  const slidesText = String(form.slides ?? "").trim();
  if (slidesText !== "") {
    const n = Number(slidesText);
    if (provider === "gamma" && form.cardSplit === "inputTextBreaks") {
      problems.slides = "With “one slide per --- break”, the breaks decide the number of slides. Leave this empty.";
    } else if (!Number.isInteger(n)) {
      problems.slides = "Use a whole number, or leave it empty to let the service decide.";
    } else if (n < l.slidesMin || n > l.slidesMax) {
      problems.slides = `${name} makes ${l.slidesMin} to ${l.slidesMax} slides.${l.slidesNote ? " " + l.slidesNote : ""}`;
    } else if (l.tocMin && form.toc && n < l.tocMin) {
      problems.slides = `With a table of contents, ${name} needs at least ${l.tocMin} slides.`;
    }
  }

  const instructions = form.instructions || "";
  if (instructions.length > l.instructions) {
    problems.instructions = `Instructions can be up to ${formatNumber(l.instructions)} characters; these have ${formatNumber(instructions.length)}.`;
  }
  return problems;
}
