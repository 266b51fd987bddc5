// Independent reference for the Text tests: the JavaScript tokenizers of @lenml/tokenizers (a fork of
// transformers.js) and the @huggingface/jinja template engine, both fetched by environment/setup.sh.
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   request: { lenml, jinja, tokenizers: { name: { json, config } },
//              encode: [{ tokenizer, text, addSpecialTokens }],
//              decode: [{ tokenizer, ids | idsOfEncode, skipSpecialTokens }]  (idsOfEncode: index of an encode answer),
//              render: [{ template, context }] }   (template: path of a .jinja file or of a tokenizer_config.json)
//   answer:  { encode: [ids...], decode: [text...], render: [{ text } | { error }] }
"use strict";
const fs = require("fs");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const answer = { encode: [], decode: [], render: [] };

const tokenizers = new Map();
function tokenizer(name) {
  if (!tokenizers.has(name)) {
    const { TokenizerLoader } = require(request.lenml);
    const files = request.tokenizers[name];
    tokenizers.set(name, TokenizerLoader.fromPreTrained({
      tokenizerJSON: JSON.parse(fs.readFileSync(files.json, "utf8")),
      tokenizerConfig: JSON.parse(fs.readFileSync(files.config, "utf8")),
    }));
  }
  return tokenizers.get(name);
}

for (const item of request.encode ?? []) {
  answer.encode.push(Array.from(tokenizer(item.tokenizer).encode(item.text, { add_special_tokens: item.addSpecialTokens })));
}
for (const item of request.decode ?? []) {
  // No clean-up of spaces before punctuation: the workbench returns the decoder's text as vLLM does.
  const ids = item.ids ?? answer.encode[item.idsOfEncode];
  answer.decode.push(tokenizer(item.tokenizer).decode(ids, {
    skip_special_tokens: item.skipSpecialTokens, clean_up_tokenization_spaces: false,
  }));
}

const templates = new Map();
function template(path) {
  if (!templates.has(path)) {
    const { Template } = require(request.jinja);
    const source = path.endsWith(".json") ? JSON.parse(fs.readFileSync(path, "utf8")).chat_template : fs.readFileSync(path, "utf8");
    templates.set(path, new Template(source));
  }
  return templates.get(path);
}
for (const item of request.render ?? []) {
  try {
    answer.render.push({ text: template(item.template).render(item.context) });
  } catch (error) {
    answer.render.push({ error: String(error.message ?? error) });
  }
}

process.stdout.write(JSON.stringify(answer));
