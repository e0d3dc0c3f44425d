// docs/index.html: PROTOCOL.md rendered as one static page (served by the server at /docs).
import { Marked } from 'marked';

const STYLE = `
body { font: 16px/1.55 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 5rem; color: #1d1f24; }
h1, h2, h3 { line-height: 1.25; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #d8dbe2; padding-bottom: .3rem; }
code { font: .9em ui-monospace, monospace; background: #f2f3f6; padding: .1em .3em; border-radius: 4px; }
pre { background: #f2f3f6; padding: 1rem; overflow-x: auto; border-radius: 6px; } pre code { padding: 0; }
table { border-collapse: collapse; display: block; overflow-x: auto; margin: 1rem 0; }
th, td { border: 1px solid #d8dbe2; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f7f8fa; } a { color: #5b3cc4; }
`;

/** GitHub-style heading ids, so the links PROTOCOL.md uses work in the HTML page too. */
const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');

export function emitProtocolHtml(title: string, markdown: string): string {
  const marked = new Marked({
    renderer: {
      heading({ tokens, depth }) {
        const text = this.parser.parseInline(tokens);
        return `<h${depth} id="${slug(text)}">${text}</h${depth}>\n`;
      },
    },
  });
  const body = marked.parse(markdown.replace(/^<!--[\s\S]*?-->\n/, ''), { async: false });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
