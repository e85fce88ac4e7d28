/** The longest text a card shows below its title; WeCom suggests about 112 characters. */
const CARD_TEXT_CHARS = 160;

/** A check-in reply, which is markdown, as the plain text of a card. */
export function plainText(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) => line.replace(/^>\s?/u, "").replaceAll("**", ""))
    .join("\n");
}

/** A card's text cut to what a card shows, with … where it was cut. */
export function shorten(text: string): string {
  const chars = [...text];
  return chars.length <= CARD_TEXT_CHARS ? text : `${chars.slice(0, CARD_TEXT_CHARS - 1).join("")}…`;
}
