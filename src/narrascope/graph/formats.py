"""Write an actor graph as JSON, GraphML or a self-contained interactive HTML page."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from typing import Any

from narrascope.graph.build import Graph

FORMATS = ("json", "graphml", "html")
TYPE_COLOURS = {
    "supplies_weapons": "#d62728",
    "military_cooperation": "#ff7f0e",
    "attacks": "#8c0000",
    "threatens": "#9467bd",
    "accuses_condemns": "#7f7f7f",
    "sanctions": "#1f77b4",
    "violates": "#e377c2",
    "negotiates": "#2ca02c",
    "supports": "#17becf",
    "demands": "#bcbd22",
}


def to_dict(graph: Graph) -> dict[str, Any]:
    return {
        "nodes": list(graph.nodes.values()),
        "edges": [{**asdict(e), "status": e.status} for e in graph.edges],
    }


def to_json(graph: Graph) -> str:
    return json.dumps(to_dict(graph), ensure_ascii=False, indent=1)


def to_graphml(graph: Graph) -> str:
    """GraphML with typed attributes; evidence, modalities and timeline as JSON strings."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    keys = [
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("out", "node", "int"),
        ("in", "node", "int"),
        ("type", "edge", "string"),
        ("count", "edge", "int"),
        ("weight", "edge", "double"),
        ("articles", "edge", "int"),
        ("first", "edge", "string"),
        ("last", "edge", "string"),
        ("modalities", "edge", "string"),
        ("objects", "edge", "string"),
        ("timeline", "edge", "string"),
        ("evidence", "edge", "string"),
        ("status", "edge", "string"),
    ]
    for name, domain, kind in keys:
        ET.SubElement(
            root,
            "key",
            id=f"{domain[0]}_{name}",
            attrib={"for": domain, "attr.name": name, "attr.type": kind},
        )
    g = ET.SubElement(root, "graph", id="actors", edgedefault="directed")
    for node in graph.nodes.values():
        n = ET.SubElement(g, "node", id=node["id"])
        for name in ("label", "kind", "out", "in"):
            ET.SubElement(n, "data", key=f"n_{name}").text = str(node[name])
    for i, edge in enumerate(graph.edges):
        e = ET.SubElement(g, "edge", id=f"e{i}", source=edge.source, target=edge.target)
        values = {**asdict(edge), "status": edge.status}
        for name, domain, _ in keys:
            if domain != "edge":
                continue
            value = values[name]
            if isinstance(value, (dict, list)):
                value = json.dumps(value, ensure_ascii=False)
            if value is not None:
                ET.SubElement(e, "data", key=f"e_{name}").text = str(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def script_json(value: object) -> str:
    """JSON that is inert inside a `<script type="application/json">` element.

    `<`, `>` and `&` become `\\u003c`, `\\u003e`, `\\u0026`: a sentence holding `</script>` or
    `<!--<script>` (which switches the HTML parser into a state where the real `</script>` no
    longer closes the element) cannot change where the data ends.
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def to_html(graph: Graph, title: str = "narrascope actor network") -> str:
    """One HTML file, no external resources: inline SVG drawn by a small force layout script.

    Its Content-Security-Policy (as the report's) allows only its own style and script blocks,
    by hash, and nothing from the network."""
    style = _HTML.split("<style>", 1)[1].split("</style>", 1)[0]
    script = _HTML.split("<script>", 1)[1].split("</script>", 1)[0]
    policy = (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    data = script_json({**to_dict(graph), "colours": TYPE_COLOURS})
    return (
        _HTML.replace("__CSP__", policy)
        .replace("__TITLE__", html.escape(title))
        .replace("__DATA__", data)
    )


def render(graph: Graph, fmt: str) -> str:
    if fmt == "json":
        return to_json(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "html":
        return to_html(graph)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


_HTML = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="__CSP__">
<meta name="referrer" content="no-referrer"><title>__TITLE__</title>
<style>
body{margin:0;font:14px system-ui,sans-serif;display:flex;height:100vh;color:#222}
#graph{flex:1;height:100vh;min-width:0}#side{width:380px;overflow:auto;border-left:1px solid #ddd;padding:10px}
.node circle{stroke:#fff;stroke-width:1.5px;cursor:grab}.node text{font-size:11px;pointer-events:none}
.edge{fill:none;cursor:pointer;opacity:.75}.edge:hover{opacity:1}
.ev{border-top:1px solid #eee;padding:6px 0}.ev small{color:#666}label{display:block;font-size:12px}
</style></head><body>
<svg id="graph"></svg>
<div id="side"><h3>__TITLE__</h3><div id="filters"></div>
<p><small>Click an edge or an actor for its evidence sentences. Drag actors to move them.</small></p><div id="info"></div></div>
<script type="application/json" id="data">__DATA__</script>
<script>
(function(){
const D=JSON.parse(document.getElementById('data').textContent);
const svg=document.getElementById('graph'),NS='http://www.w3.org/2000/svg';
const box=svg.getBoundingClientRect(),W=box.width||900,H=box.height||700;svg.setAttribute('viewBox','0 0 '+W+' '+H);
const shown=new Set(Object.keys(D.colours));const shownStatus=new Set(D.edges.map(e=>e.status));
const nodes=D.nodes.map((n,i)=>Object.assign(n,{x:W/2+Math.cos(i*2*Math.PI/D.nodes.length)*W/3,y:H/2+Math.sin(i*2*Math.PI/D.nodes.length)*H/3}));
const byId={};nodes.forEach(n=>byId[n.id]=n);
const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function layout(steps){for(let s=0;s<steps;s++){const k=Math.sqrt(W*H/Math.max(nodes.length,1))*0.3;
 nodes.forEach(n=>{n.dx=(W/2-n.x)*0.03;n.dy=(H/2-n.y)*0.03;});
 for(let i=0;i<nodes.length;i++)for(let j=i+1;j<nodes.length;j++){const a=nodes[i],b=nodes[j];
  let dx=a.x-b.x,dy=a.y-b.y,d=Math.sqrt(dx*dx+dy*dy)||1,f=k*k/d/d;a.dx+=dx*f;a.dy+=dy*f;b.dx-=dx*f;b.dy-=dy*f;}
 D.edges.forEach(e=>{const a=byId[e.source],b=byId[e.target];if(!a||!b)return;let dx=b.x-a.x,dy=b.y-a.y,d=Math.sqrt(dx*dx+dy*dy)||1,f=(d-k)/d*0.05;
  a.dx+=dx*f;a.dy+=dy*f;b.dx-=dx*f;b.dy-=dy*f;});
 nodes.forEach(n=>{const m=Math.sqrt(n.dx*n.dx+n.dy*n.dy),c=Math.min(m,20)/(m||1);n.x=Math.max(30,Math.min(W-60,n.x+n.dx*c));n.y=Math.max(30,Math.min(H-30,n.y+n.dy*c));});}}
function el(tag,attrs,parent){const e=document.createElementNS(NS,tag);for(const k in attrs)e.setAttribute(k,attrs[k]);parent.appendChild(e);return e;}
function draw(){svg.innerHTML='';const defs=el('defs',{},svg);
 Object.entries(D.colours).forEach(([t,c])=>{const m=el('marker',{id:'m-'+t,viewBox:'0 0 10 10',refX:18,refY:5,markerWidth:6,markerHeight:6,orient:'auto'},defs);el('path',{d:'M0,0L10,5L0,10z',fill:c},m);});
 D.edges.forEach(e=>{if(!shown.has(e.type)||!shownStatus.has(e.status))return;const a=byId[e.source],b=byId[e.target];if(!a||!b)return;
  const mx=(a.x+b.x)/2+(b.y-a.y)*0.15,my=(a.y+b.y)/2-(b.x-a.x)*0.15;
  const p=el('path',{class:'edge',d:'M'+a.x+','+a.y+'Q'+mx+','+my+' '+b.x+','+b.y,stroke:D.colours[e.type]||'#999','stroke-width':1+Math.log2(1+e.weight),'marker-end':'url(#m-'+e.type+')','stroke-dasharray':e.status==='factual'?'':'5,4','data-status':e.status},svg);
  el('title',{},p).textContent=e.source+' '+e.type+' '+e.target+' ('+e.count+(e.status==='factual'?'':', '+e.status)+')';p.onclick=()=>showEdges([e]);});
 nodes.forEach(n=>{const g=el('g',{class:'node',transform:'translate('+n.x+','+n.y+')'},svg);
  el('circle',{r:5+Math.sqrt(n.in+n.out)*1.5,fill:n.kind==='state'?'#4a6fa5':n.kind==='instrument'?'#e377c2':'#e6a23c'},g);
  el('text',{x:8,y:4},g).textContent=n.id;el('title',{},g).textContent=n.label;
  g.onmousedown=ev=>{ev.preventDefault();const move=m=>{const r=svg.getBoundingClientRect();n.x=(m.clientX-r.left)*W/r.width;n.y=(m.clientY-r.top)*H/r.height;draw();};
   const up=()=>{window.removeEventListener('mousemove',move);window.removeEventListener('mouseup',up);};window.addEventListener('mousemove',move);window.addEventListener('mouseup',up);};
  g.ondblclick=()=>{};g.onclick=()=>showEdges(D.edges.filter(e=>shown.has(e.type)&&(e.source===n.id||e.target===n.id)));});}
function showEdges(list){const info=document.getElementById('info');info.innerHTML=list.map(e=>'<h4 data-type="'+esc(e.type)+'">'+esc(e.source)+' '+esc(e.type)+' '+esc(e.target)+'</h4>'+
 (e.status==='factual'?'':'<small><b>'+esc(e.status)+'</b></small><br>')+'<small>'+e.count+' records in '+e.articles+' articles; weight '+e.weight+(e.first?'; '+esc(e.first)+' to '+esc(e.last):'')+'<br>modalities: '+esc(JSON.stringify(e.modalities))+
 (Object.keys(e.objects).length?'<br>objects: '+esc(Object.keys(e.objects).join('; ')):'')+'</small>'+
 e.evidence.map(v=>'<div class="ev">'+esc(v.sentence)+'<br><small>'+esc(v.article_id)+' ['+v.start+', '+v.end+') '+esc(v.modality)+(v.published?' '+esc(v.published):'')+'</small></div>').join('')).join('');
 info.querySelectorAll('h4[data-type]').forEach(h=>{h.style.color=D.colours[h.dataset.type]||'#222';});}
const f=document.getElementById('filters');Object.entries(D.colours).forEach(([t,c])=>{if(!D.edges.some(e=>e.type===t))return;
 const l=document.createElement('label'),box=document.createElement('input'),mark=document.createElement('span');
 box.type='checkbox';box.checked=true;mark.textContent='\u25a0';mark.style.color=c;l.append(box,' ',mark,' '+t);
 l.firstChild.onchange=ev=>{ev.target.checked?shown.add(t):shown.delete(t);draw();};f.appendChild(l);});
[...shownStatus].sort().forEach(st=>{const l=document.createElement('label');l.className='status';
 l.innerHTML='<input type="checkbox" checked> '+(st==='factual'?'asserted / reported':esc(st)+' only');
 l.firstChild.onchange=ev=>{ev.target.checked?shownStatus.add(st):shownStatus.delete(st);draw();};f.appendChild(l);});
layout(300);draw();})();
</script></body></html>
"""
