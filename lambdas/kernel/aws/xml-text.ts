// The XML answers of the AWS APIs Palisade reads without an SDK client (S3's list and error documents, SNS's
// Publish answer and error document) are flat: a few named elements, text with XML's five entities and
// character references. This reader of their elements is used rather than an XML parser (docs/decisions.md,
// "Bundles"); it does not read attributes, CDATA or an element nested in its own kind, which none of them has.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export const unescapeXml = (text: string) =>
  text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) =>
    name[0] === '#'
      ? String.fromCodePoint(name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)))
      : (ENTITIES[name] ?? whole),
  );

/** The inner XML of every `<tag>…</tag>` in `xml` (an element with attributes is not found: none is read here). */
export function xmlElements(xml: string, tag: string): string[] {
  const out: string[] = [];
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  for (let at = xml.indexOf(open); at >= 0; at = xml.indexOf(open, at)) {
    const end = xml.indexOf(close, at + open.length);
    if (end < 0) break;
    out.push(xml.slice(at + open.length, end));
    at = end + close.length;
  }
  return out;
}

/** The text of the first `<tag>` in `xml`, unescaped; undefined when there is none. */
export function xmlText(xml: string, tag: string): string | undefined {
  const [inner] = xmlElements(xml, tag);
  return inner === undefined ? undefined : unescapeXml(inner);
}
