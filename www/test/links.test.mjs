// links.js: what an address asks for, and the addresses and file names the page writes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { fileStem, fullPageLink, parseAddress, splitList } from '../links.js';

test('the fragment: options first, the document last, unknown parts go to the engine', () => {
  assert.deepEqual(parseAddress('#v1.abc', ''), { embed: false, locks: null, src: null, preset: null, doc: 'v1.abc' });
  const a = parseAddress('#embed&lock=Circuit, data&v1.xyz', '');
  assert.equal(a.embed, true);
  assert.deepEqual(a.locks, ['circuit', 'data']);
  assert.equal(a.doc, 'v1.xyz');
  assert.equal(parseAddress('#embed', '').doc, null);
  assert.equal(parseAddress('#section-2', '').doc, 'section-2');
  assert.equal(parseAddress('#json:%7B%7D', '').doc, 'json:%7B%7D');
  const q = parseAddress('', '?embed&src=lessons/a.json&preset=default&lock=data');
  assert.deepEqual([q.embed, q.src, q.preset, q.locks], [true, 'lessons/a.json', 'default', ['data']]);
  assert.equal(parseAddress('', '?embed=false').embed, false);
  assert.equal(parseAddress('#src=%E0%A4%A', '').src, '%E0%A4%A', 'a broken escape is kept as it is');
});

test('lists, full-page links and file names', () => {
  assert.deepEqual(splitList(' a, B ,,c '), ['a', 'b', 'c']);
  assert.equal(
    fullPageLink('https://x.org/p/index.html?embed&lock=data&keep=1#old', 'v1.new'),
    'https://x.org/p/index.html?keep=1#v1.new',
  );
  assert.equal(fileStem('Données — XOR, 2 qubits!'), 'donnees-xor-2-qubits');
  assert.equal(fileStem('<<>>'), 'playground');
  assert.equal(fileStem('x'.repeat(100)).length, 48);
});
