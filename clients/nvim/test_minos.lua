-- Tests for minos.lua against a real minosd; prints one pass/FAIL line per test and exits
-- non-zero if any failed.
--
-- Usage (any Neovim from 0.7):
--   MINOSD=/path/to/minosd nvim --headless -u NONE -c 'luafile clients/nvim/test_minos.lua'
-- or, on 0.9 and later:
--   MINOSD=/path/to/minosd nvim --headless -u NONE -l clients/nvim/test_minos.lua
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path
local minos = require('minos')
local uv = vim.uv or vim.loop -- vim.loop is deprecated from 0.10

local function out(text)
  io.stdout:write(text .. '\n')
end

local function check(condition, message)
  if not condition then
    error(message, 2)
  end
end

local function equal(actual, expected)
  check(vim.deep_equal(actual, expected), 'got ' .. vim.inspect(actual) .. ', wanted ' .. vim.inspect(expected))
end

local function wait_for(what, predicate, timeout_ms)
  check(vim.wait(timeout_ms or 5000, predicate, 10), 'timed out waiting for ' .. what)
end

local passed, failed = 0, 0
local clients = {}

-- A client on a throwaway store, stopped after the test.
local function start(opts)
  local client = minos.start(vim.tbl_extend('force', { db = ':memory:' }, opts or {}))
  table.insert(clients, client)
  return client
end

local function test(name, fn)
  clients = {}
  local ok, err = pcall(fn)
  for _, client in ipairs(clients) do
    client:stop()
    vim.wait(5000, function()
      return client.exit_code ~= nil
    end, 10)
  end
  if ok then
    passed = passed + 1
    out('pass: ' .. name)
  else
    failed = failed + 1
    out('FAIL: ' .. name .. ': ' .. tostring(err))
    for _, client in ipairs(clients) do
      for _, line in ipairs(client.stderr) do
        out('    stderr: ' .. line)
      end
    end
  end
end

local minosd = vim.env.MINOSD
if not minosd or minosd == '' then
  out('FAIL: set MINOSD to the minosd binary')
  vim.cmd('cquit 1')
end

test('initialize', function()
  local c = start()
  wait_for('initialize', function()
    return c.server ~= nil
  end)
  equal(c.server.serverInfo.name, 'minosd')
  check(vim.tbl_contains(c.server.capabilities.methods, 'daemon/ping'), 'daemon/ping not listed')
end)

test('request with callback', function()
  local c = start()
  local got
  c:request('daemon/ping', { echo = { text = 'héllo "wörld"', list = { 1, 2.5, true } } }, function(err, result)
    got = { err = err, result = result }
  end)
  wait_for('the reply', function()
    return got ~= nil
  end)
  equal(got, { result = { echo = { text = 'héllo "wörld"', list = { 1, 2.5, true } } } })
end)

test('request_sync and empty params', function()
  local c = start()
  local status, err = c:request_sync('daemon/status', {}, 5000)
  equal(err, nil)
  equal(status.store.path, ':memory:')
  equal(status.pid, vim.fn.jobpid(c.job))
end)

test('unknown method', function()
  local c = start()
  local result, err = c:request_sync('no/such/method', nil, 5000)
  equal(result, nil)
  equal(err.code, -32601)
end)

test('bad params', function()
  local c = start()
  local _, err = c:request_sync('daemon/sleep', { milliseconds = 'soon' }, 5000)
  equal(err.code, -32602)
  equal(err.data, { path = 'params.milliseconds' })
end)

test('notify', function()
  local c = start()
  c:notify('no/such/notification', { x = 1 })
  local err
  local id = c:request('daemon/sleep', { milliseconds = 5000 }, function(e)
    err = e
  end)
  c:notify('$/cancelRequest', { id = id })
  wait_for('the cancelled reply', function()
    return err ~= nil
  end, 2000)
  equal(err.code, -32800)
end)

test('progress', function()
  local c = start()
  local values = {}
  local result, err = c:request_sync('daemon/sleep', { milliseconds = 60, steps = 3 }, 5000, {
    progress = function(value)
      table.insert(values, value)
    end,
  })
  equal(err, nil)
  equal(result, { sleptMilliseconds = 60 })
  equal(vim.tbl_map(function(v)
    return v.kind
  end, values), { 'begin', 'report', 'report', 'report', 'end' })
  equal(values[4].percentage, 100)
end)

test('cancel', function()
  local c = start()
  local started = uv.hrtime()
  local err
  local id = c:request('daemon/sleep', { milliseconds = 5000 }, function(e)
    err = e
  end)
  check(c:cancel(id), 'cancel said the request was not pending')
  wait_for('the cancelled reply', function()
    return err ~= nil
  end, 2000)
  equal(err.code, -32800)
  check((uv.hrtime() - started) / 1e6 < 2000, 'cancelling took too long')
  check(not c:cancel(id), 'cancel of an answered request said true')
end)

test('request_sync timeout cancels', function()
  local c = start()
  local result, err = c:request_sync('daemon/sleep', { milliseconds = 5000 }, 200)
  equal(result, nil)
  check(err.message:find('no reply within 200 ms', 1, true), err.message)
  wait_for('the cancellation', function()
    return c:request_sync('daemon/status', nil, 5000).requests.cancelled == 1
  end)
end)

test('slow request does not block others', function()
  local c = start()
  local slow_done = false
  local id = c:request('daemon/sleep', { milliseconds = 3000 }, function()
    slow_done = true
  end)
  local started = uv.hrtime()
  local result = c:request_sync('daemon/ping', { echo = 'fast' }, 2000)
  equal(result, { echo = 'fast' })
  check((uv.hrtime() - started) / 1e6 < 1000, 'ping waited for the sleep')
  check(not slow_done, 'the sleep finished early')
  c:cancel(id)
end)

test('stop exits 0', function()
  local c = start()
  local code
  c:stop(function(exit_code)
    code = exit_code
  end)
  wait_for('exit', function()
    return code ~= nil
  end)
  equal(code, 0)
  equal(c.exit_code, 0)
  check(not pcall(c.request, c, 'daemon/ping', nil, function() end), 'request after exit did not fail')
end)

test('binary lookup order', function()
  local saved_env, saved_path = vim.env.MINOSD, vim.env.PATH
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  uv.fs_symlink(vim.fn.fnamemodify(minosd, ':p'), dir .. '/minosd')
  local ok, err = pcall(function()
    vim.env.MINOSD = dir .. '/nonexistent'
    equal(start({ cmd = minosd }):request_sync('daemon/ping', { echo = 1 }, 5000), { echo = 1 })
    check(not pcall(start), 'start() ignored $MINOSD')
    vim.env.MINOSD = nil
    vim.env.PATH = dir
    equal(start():request_sync('daemon/ping', { echo = 2 }, 5000), { echo = 2 })
  end)
  vim.env.MINOSD, vim.env.PATH = saved_env, saved_path
  vim.fn.delete(dir, 'rf')
  check(ok, err)
end)

test('instruction arguments parse', function()
  equal(minos.parse_instructions('#7'), { registered = 7 })
  equal(minos.parse_instructions('change_case:english_lowercase; length_constraints:number_words relation=less\\ than num_words=50'),
    { instructions = { { id = 'change_case:english_lowercase' },
                       { id = 'length_constraints:number_words', kwargs = { relation = 'less than', num_words = 50 } } } })
  check(not pcall(minos.parse_instructions, '  '), 'empty instructions accepted')
  check(not pcall(minos.parse_instructions, 'x:y notakeyvalue'), 'bad kwarg accepted')
end)

test(':MinosCheck and :MinosVerify show diagnostics and virtual text', function()
  minos.setup({ db = ':memory:' })
  table.insert(clients, minos.shared())
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_set_current_buf(buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'all lower case here', 'and here too' })
  vim.cmd('MinosCheck change_case:english_lowercase; change_case:english_capital')
  wait_for('check diagnostics', function()
    return #vim.diagnostic.get(buf, { namespace = minos.namespace }) == 2
  end)
  local diagnostics = vim.diagnostic.get(buf, { namespace = minos.namespace })
  table.sort(diagnostics, function(a, b) return a.message < b.message end)
  check(diagnostics[1].message:find('english_capital: not followed', 1, true), diagnostics[1].message)
  check(diagnostics[2].message:find('english_lowercase: followed', 1, true), diagnostics[2].message)
  equal(diagnostics[1].severity, vim.diagnostic.severity.WARN)

  vim.api.nvim_buf_set_lines(buf, 0, -1, false, { 'First, 1 + 1 = 2.', 'So half of it is \\boxed{\\frac{1}{2}}.' })
  vim.cmd('2MinosVerify 0.5')
  local marks
  wait_for('the verdict', function()
    marks = vim.api.nvim_buf_get_extmarks(buf, minos.namespace, 0, -1, { details = true })
    return #marks == 1
  end)
  equal(marks[1][2], 1)
  check(marks[1][4].virt_text[1][1]:find('✓ equivalent', 1, true), marks[1][4].virt_text[1][1])
  vim.cmd('MinosVerify 3')
  wait_for('the second verdict', function()
    marks = vim.api.nvim_buf_get_extmarks(buf, minos.namespace, 0, -1, { details = true })
    return #marks == 1 and marks[1][4].virt_text[1][1]:find('✗', 1, true) ~= nil
  end)
end)

out(('nvim: %d passed, %d failed'):format(passed, failed))
vim.cmd(failed == 0 and 'qall!' or 'cquit 1')
