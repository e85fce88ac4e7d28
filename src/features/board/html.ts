/** Markup made by `html` (its interpolations escaped) or given as trusted: never escaped again. */
export class Html {
  constructor(readonly text: string) {}
}

/** What a template may interpolate: text (escaped), markup, lists of either, or nothing. */
export type HtmlPart = Html | string | number | false | null | undefined | readonly HtmlPart[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text as HTML, for element content and quoted attribute values alike: the five characters that
 * can start or end markup become entities. For HTML only; chat markdown has its own escaping
 * (escapeUserText), which leaves `<` and `&` to the HTML parser.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

const render = (part: HtmlPart): string =>
  part instanceof Html
    ? part.text
    : Array.isArray(part)
      ? part.map(render).join("")
      : part === false || part === null || part === undefined
        ? ""
        : escapeHtml(String(part));

/**
 * A tagged template for the board's pages: every interpolated value is escaped unless it is
 * Html already, so a school's name, an area or a description typed into the chat can never
 * become markup or script.
 */
export function html(strings: TemplateStringsArray, ...parts: HtmlPart[]): Html {
  return new Html(strings.reduce((out, chunk, i) => out + render(parts[i - 1]) + chunk));
}
