// The state inspector's accessible text of the label states (the numbers are the engine's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelStatesText } from '../stateview.js';

test('label states are listed with their class name and the engine’s angles', () => {
  const marks = [
    { class: 0, name: 'class 0', wire: 0, vector: [0, 0, 1], theta: 0, phi: 0, color: '#f59322' },
    { class: 2, name: 'class 2', wire: 0, vector: [-0.47, 0.82, -0.33], theta: 109.4712, phi: 120, color: '#2ea043' },
  ];
  assert.equal(labelStatesText(marks), 'label states: class 0 (θ 0.0°, φ 0.0°), class 2 (θ 109.5°, φ 120.0°)');
  assert.equal(labelStatesText([]), '');
  assert.equal(labelStatesText(undefined), '');
});
