// The dashboard's comments panel: one stream's recent comments through its room (history, then
// live), each with Delete and Ban buttons calling the control API with the admin token.
import { CommentsView } from './comments_view.js';
import { RoomSocket } from './room_socket.js';

export class Moderation {
  // api(path, options): fetch with the admin token; say(text): the panel's status line.
  constructor({ select, list, banForm, banValue, api, say }) {
    this.select = select;
    this.api = api;
    this.say = say;
    this.room = null;
    this.comments = new CommentsView(list, {
      maxItems: 100,
      decorate: (item, comment) => item.append(this.actions(comment)),
    });
    select.addEventListener('change', () => this.watch(select.value));
    banForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const kind = event.submitter?.dataset.kind ?? 'user';
      this.ban(kind, banValue.value.trim()).then((done) => { if (done) banValue.value = ''; });
    });
  }

  // The streams to choose from; keeps the current choice while it is listed.
  setStreams(names) {
    const current = this.select.value;
    const options = names.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      return option;
    });
    this.select.replaceChildren(...options);
    if (names.includes(current)) this.select.value = current;
    if (this.select.value !== (this.room?.name ?? '')) this.watch(this.select.value);
  }

  watch(name) {
    this.room?.close();
    this.room = null;
    this.comments.replace([]);
    if (!name) return;
    this.room = new RoomSocket(name, {
      onMessage: (message) => {
        if (message.type === 'history') this.comments.replace(message.comments ?? []);
        else if (message.type === 'comment') this.comments.add(message);
        else if (message.type === 'delete') this.comments.remove(message.id);
      },
    });
    this.room.connect();
  }

  actions(comment) {
    const box = document.createElement('span');
    box.className = 'actions';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'delete';
    remove.textContent = 'Delete';
    remove.addEventListener('click', () => this.remove(comment.id));
    const ban = document.createElement('button');
    ban.type = 'button';
    ban.className = 'ban danger';
    ban.textContent = 'Ban';
    ban.addEventListener('click', () => this.ban('user', comment.user));
    box.append(remove, ban);
    return box;
  }

  async remove(id) {
    const stream = this.room?.name;
    const response = await this.api(`/api/v1/streams/${encodeURIComponent(stream)}/comments/${Number(id)}`,
      { method: 'DELETE' });
    this.say(response.ok ? `Comment ${id} deleted.` : `Delete refused: ${await errorOf(response)}`);
  }

  async ban(kind, value) {
    const stream = this.room?.name;
    if (!stream || !value) return false;
    const response = await this.api(`/api/v1/streams/${encodeURIComponent(stream)}/bans`,
      { method: 'POST', body: JSON.stringify({ [kind]: value }) });
    this.say(response.ok ? `${kind === 'user' ? 'Name' : 'Address'} "${value}" banned from ${stream}.`
      : `Ban refused: ${await errorOf(response)}`);
    return response.ok;
  }
}

export async function errorOf(response) {
  try {
    return (await response.json()).error ?? `status ${response.status}`;
  } catch {
    return `status ${response.status}`;
  }
}
