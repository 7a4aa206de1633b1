// Reaction buttons and the emoji that float up over the video whenever anyone reacts. The room
// sends running totals per kind ({"type":"reactions","counts":{...}}, coalesced); what floats
// is the difference from the totals seen before.
export const REACTIONS = [
  ['like', '\u{1F44D}'], ['love', '\u{2764}\u{FE0F}'], ['haha', '\u{1F602}'],
  ['wow', '\u{1F62E}'], ['sad', '\u{1F622}'], ['angry', '\u{1F620}'],
];
const EMOJI = new Map(REACTIONS);
const MAX_FLOATS_PER_UPDATE = 12;  // a burst of a thousand likes stays readable
const FLOAT_MS = 2400;

export class ReactionsView {
  constructor(layer, buttons, onReact) {
    this.layer = layer;
    this.totals = new Map();
    this.countLabels = new Map();
    for (const [kind, emoji] of REACTIONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.kind = kind;
      button.title = kind;
      button.append(emoji);
      const count = document.createElement('span');
      count.className = 'count';
      count.textContent = '0';
      button.append(count);
      button.addEventListener('click', () => onReact(kind));
      this.countLabels.set(kind, count);
      buttons.append(button);
    }
  }

  // `baseline`: totals a joining client is told, which nobody is sending now: nothing floats.
  update(counts, { baseline = false } = {}) {
    for (const [kind] of REACTIONS) {
      const total = Number(counts[kind] ?? 0);
      const added = total - (this.totals.get(kind) ?? 0);
      this.totals.set(kind, total);
      this.countLabels.get(kind).textContent = String(total);
      if (baseline || added <= 0) continue;
      for (let i = 0; i < Math.min(added, MAX_FLOATS_PER_UPDATE); i++) this.float(kind, i);
    }
  }

  float(kind, index = 0) {
    const bubble = document.createElement('span');
    bubble.className = 'floating-reaction';
    bubble.dataset.kind = kind;
    bubble.textContent = EMOJI.get(kind);
    bubble.style.left = `${5 + Math.random() * 85}%`;
    bubble.style.animationDelay = `${index * 90}ms`;
    this.layer.append(bubble);
    setTimeout(() => bubble.remove(), FLOAT_MS + index * 90 + 200);
  }
}
