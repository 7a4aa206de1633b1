// A list of comments: the room's history, then each new one, and deletions. Every user-written
// string goes in as text (textContent), never as HTML.
import { textElement } from './format.js';

export class CommentsView {
  // decorate(item, comment): adds controls to an item (the dashboard's delete and ban buttons).
  constructor(list, { maxItems = 200, decorate } = {}) {
    this.list = list;
    this.maxItems = maxItems;
    this.decorate = decorate;
  }

  replace(comments) {
    this.list.replaceChildren();
    for (const comment of comments) this.add(comment);
  }

  add(comment) {
    const stick = this.atBottom();
    const item = document.createElement('li');
    item.dataset.id = String(comment.id);
    item.title = new Date(comment.ts).toLocaleTimeString();
    item.append(textElement('span', comment.user, 'user'));
    if (comment.bot) item.append(textElement('span', 'bot', 'bot'));
    item.append(textElement('span', comment.text, 'text'));
    this.decorate?.(item, comment);
    this.list.append(item);
    while (this.list.children.length > this.maxItems) this.list.firstElementChild.remove();
    if (stick) this.list.scrollTop = this.list.scrollHeight;
  }

  remove(id) {
    this.list.querySelector(`li[data-id="${Number(id)}"]`)?.remove();
  }

  // Only follow new comments when the reader has not scrolled up to read older ones.
  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
  }
}
