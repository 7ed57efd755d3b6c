// A line chart as inline SVG: no library, nothing to load, readable by a screen reader as its title.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#0b6bcb', '#c2410c', '#15803d', '#7c3aed', '#be123c', '#0e7490', '#a16207', '#4d7c0f'];

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * series: [{ name, points: [[seconds, value], …] }]; the x axis spans the last `windowSeconds`
 * up to `now`. `format` labels the y axis.
 */
export function lineChart({ title, series, now, windowSeconds, format, width = 640, height = 180 }) {
  const pad = { left: 84, right: 12, top: 10, bottom: 24 };
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', preserveAspectRatio: 'none' });
  svg.append(s('title', {}, title));
  const values = series.flatMap(x => x.points.map(p => p[1]));
  const max = Math.max(1, ...values);
  const x = sec => pad.left + (width - pad.left - pad.right) * (1 - (now - sec) / windowSeconds);
  const y = v => height - pad.bottom - (height - pad.top - pad.bottom) * (v / max);
  for (const f of [0, 0.5, 1]) {
    const yy = y(max * f);
    svg.append(s('line', { x1: pad.left, x2: width - pad.right, y1: yy, y2: yy, stroke: '#d0d5dd', 'stroke-width': 1 }));
    svg.append(s('text', { x: pad.left - 6, y: yy + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#475467' }, format(max * f)));
  }
  for (const [sec, label] of [[now - windowSeconds, windowSeconds >= 120 ? `-${Math.round(windowSeconds / 60)}m` : `-${Math.round(windowSeconds)}s`], [now, '0']]) {
    svg.append(s('text', { x: x(sec), y: height - 6, 'text-anchor': sec === now ? 'end' : 'start', 'font-size': 11, fill: '#475467' }, label));
  }
  series.forEach((line, i) => {
    const points = line.points.filter(p => now - p[0] <= windowSeconds);
    if (points.length === 0) return;
    const color = COLORS[i % COLORS.length];
    svg.append(s('polyline', {
      points: points.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' '),
      fill: 'none', stroke: color, 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke',
    }));
  });
  return svg;
}

export function legend(names) {
  const list = document.createElement('ul');
  list.className = 'legend';
  names.forEach((name, i) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = `swatch c${i % COLORS.length}`;
    item.append(swatch, document.createTextNode(name));
    list.append(item);
  });
  return list;
}
