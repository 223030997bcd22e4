-- Posts pre-signed requests in turn, so every request is a new message. One request per line,
-- fields separated by tabs: path, then "name: value" headers, then the body (bench/loadgen.py
-- write_wrk_file). Usage: wrk ... -s wrk_signed_posts.lua URL -- REQUESTS_FILE
local requests, sent = {}, 0

function init(args)
  for line in io.lines(args[1]) do
    local fields = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
    end
    local headers = {}
    for i = 2, #fields - 1 do
      local name, value = fields[i]:match("^([^:]+): (.*)$")
      headers[name] = value
    end
    requests[#requests + 1] = wrk.format("POST", fields[1], headers, fields[#fields])
  end
end

function request()
  sent = sent + 1
  return requests[(sent - 1) % #requests + 1]
end
