"""{% load panel %}: the matrix body and the picture, written in Python.

The matrix is the result panel's largest part (a cell per source, destination
and port) and the evaluate endpoint renders it on every pause in typing; built
here with html.escape it costs a fraction of the same markup in template tags.
"""

import re
from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# After the tick of a cell allowed on a port its destination does not declare (the legend says it).
UNHEARD_MARK = '<span class="unheard-mark" aria-hidden="true">∅</span>'


@register.simple_tag
def matrix_rows(view, explain_url: str):
    action = escape(f"{explain_url}#explanation")
    out = []
    for row in view.rows:
        ext = " ext" if row.external else ""
        out.append(f'<tr><th scope="row" class="src{ext}" title="{escape(", ".join(row.members))}">'
                   f"{escape(row.label)}</th>")
        for ports in row.cells:
            for cell in ports:
                symbol = cell.symbol + UNHEARD_MARK if cell.unheard else cell.symbol
                if cell.allowed is None:
                    out.append('<td class="cell na" role="gridcell"><span aria-hidden="true">·</span>'
                               '<span class="visually-hidden">no policy applies</span></td>')
                elif not explain_url:  # read-only (a class's view of a learner's answer)
                    out.append(f'<td class="cell {cell.css}" role="gridcell"><span role="img" '
                               f'aria-label="{escape(cell.title.removesuffix(". Explain"))}">'
                               f'{symbol}</span></td>')
                else:
                    out.append(f'<td class="cell {cell.css}" role="gridcell"><button type="submit" '
                               f'name="cell" value="{escape(cell.value)}" formaction="{action}" '
                               f'aria-label="{escape(cell.title)}">{symbol}</button></td>')
        out.append("</tr>\n")
    return mark_safe("".join(out))  # every interpolated value above is escaped


def _n(value) -> str:
    """A coordinate as the template printed it: integers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else str(value)


@register.filter
def breakable(name: str):
    """A pod key or an address that may wrap after its slash and dots, so that the matrix's column
    headers stay narrow (escaped first, then the break hints added)."""
    return mark_safe(escape(name).replace("/", "/<wbr>").replace(".", ".<wbr>"))


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


@register.filter
def code_spans(message: str):
    """A problem's message with the API server's `field` quotes shown as code, not as backticks
    (escaped first, so only the <code> tags are markup). Not the site's Markdown renderer
    (trainer/web/markup.py): messages quote the learner's values, whose asterisks, underscores
    and backslashes must read as typed."""
    return mark_safe(_CODE_SPAN.sub(r"<code>\1</code>", escape(str(message))))


@register.simple_tag
def picture_svg(picture):
    """The picture's <svg>: namespaces as boxes, pods and hosts as nodes, allowed connections as arrows."""
    out = [
        f'<svg viewBox="0 0 {round(picture.width)} {round(picture.height)}" role="img" '
        'aria-labelledby="pic-title pic-desc" xmlns="http://www.w3.org/2000/svg">\n'
        '<title id="pic-title">Namespaces, pods and outside hosts, with the allowed connections '
        'drawn as arrows</title>\n'
        f'<desc id="pic-desc">{escape(picture.description)}</desc>\n'
        '<defs>'
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker>'
        '<marker id="arrow-target" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead target"/></marker></defs>\n']
    for b in picture.boxes:
        out.append(f'<g class="ns-box"><rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.width)}" '
                   f'height="{_n(b.height)}" rx="10"/>'
                   f'<text x="{int(b.x) + 10}" y="{int(b.y) + 20}" class="ns-title">{escape(b.title)}</text>')
        if b.subtitle:
            out.append(f'<text x="{int(b.x) + 10}" y="{int(b.y) + 36}" class="ns-sub">'
                       f'{escape(b.subtitle)}</text>')
        out.append("</g>\n")
    out.append('<g class="edges">\n')
    for e in picture.edges:
        marker = "url(#arrow-target)" if e.role == "focus" else "url(#arrow)"
        out.append(f'<path d="{escape(e.path)}" class="edge {e.role}"'
                   f'{f" marker-end={chr(34)}{marker}{chr(34)}" if e.forward else ""}'
                   f'{f" marker-start={chr(34)}{marker}{chr(34)}" if e.backward else ""}>'
                   f"<title>{escape(e.title)}</title></path>\n")
    out.append("</g>\n")
    for n in picture.nodes:
        css = "node" + (" ext" if n.external else "") + (" target" if n.target else "")
        out.append(f'<g class="{css}"><rect x="{_n(n.x)}" y="{_n(n.y)}" width="{picture.node_width}" '
                   f'height="{picture.node_height}" rx="{4 if n.external else 15}"/>'
                   f'<text x="{_n(n.cx)}" y="{_n(n.cy)}" dy="0.35em" text-anchor="middle">'
                   f"{escape(n.label)}</text><title>{escape(n.key)}</title></g>\n")
    out.append("</svg>")
    return mark_safe("".join(out))  # every interpolated text above is escaped
