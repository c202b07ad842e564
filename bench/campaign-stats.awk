# The figures of `orgctl campaign stats` (orgctl-campaign(1), STATISTICS), in awk: the
# baseline of bench/bench-campaign.sh, and checked equal to orgctl's figures by
# tests/cli/t8600-campaign-stats.sh. It checks nothing (it trusts its input: the header
# in the usual order, no quoted field, no bad record). Each record updates its
# sub-campaign only; campaigns and the total are summed from them at the end. It prints a
# line a scope and an hour, as bench/campaign-stats-lines.jq prints orgctl's -o json:
#   LEVEL CAMPAIGN SUB RECORDS SUCCESS FAILURE DC_SUCCESS DC_FAIL HOLD CONNECT BUSY_AGENTS
#   MAX_PER_HOUR CURRENT_HOURLY_RATE AVG_LENGTH IN_PROGRESS START END RESULT-COUNTS...
#   hour HOUR CALLS
# tab-separated, times in seconds since 1970.
#
# Usage: awk -v now=YYYY-MM-DDTHH:MM:SSZ -f bench/campaign-stats.awk RECORDS.csv

# Seconds since 1970 of an ISO 8601 UTC time; the days of a date are found once (the
# days-from-civil rule: March-based years, 400-year eras).
function epoch(ts,    y, m, dd, era, yoe, doy, doe) {
	if (substr(ts, 1, 10) != last_date) {
		last_date = substr(ts, 1, 10)
		y = substr(ts, 1, 4) + 0; m = substr(ts, 6, 2) + 0; dd = substr(ts, 9, 2) + 0
		if (m <= 2) y--
		era = int(y / 400)
		yoe = y - era * 400
		doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + dd - 1
		doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
		last_midnight = (era * 146097 + doe - 719468) * 86400
	}
	return last_midnight + substr(ts, 12, 2) * 3600 + substr(ts, 15, 2) * 60 + substr(ts, 18, 2)
}

# Adds scope `from`'s counts to scope `to`.
function add(to, from,    i) {
	n[to] += n[from]
	for (i = 1; i <= 8; i++) res[to, names[i]] += res[from, names[i]]
	dcs[to] += dcs[from]; hold[to] += hold[from]; connect[to] += connect[from]
	cur[to] += cur[from]
	if (!(to in start) || start[from] < start[to]) start[to] = start[from]
	if (!(to in end) || end[from] > end[to]) end[to] = end[from]
}

function line(k, level, c, s,    sc, ip, out, i) {
	sc = res[k, "connected"] + 0
	ip = res[k, "in-progress"] + 0
	out = level OFS c OFS s OFS n[k] OFS sc OFS (n[k] - sc - ip) OFS (dcs[k] + 0) OFS \
		(res[k, "dropped"] + 0) OFS (hold[k] + 0) OFS (connect[k] + 0) OFS (nbusy[k] + 0) OFS \
		(most[k] + 0) OFS (cur[k] + 0) OFS (sc ? int((connect[k] + int(sc / 2)) / sc) : 0) OFS \
		ip OFS start[k] OFS end[k]
	for (i = 1; i <= 8; i++)
		out = out OFS (res[k, names[i]] + 0)
	print out
}

BEGIN {
	FS = ","
	OFS = "\t"
	nowe = epoch(now)
	split("connected busy no-answer answering-machine fax dropped invalid-number in-progress", names, " ")
}
NR == 1 { next }
{
	t = epoch($1); k = $2 SUBSEP $3; r = $5; d = $6
	n[k]++
	res[k, r]++
	if (!(k in start) || t < start[k]) start[k] = t
	if (!(k in end) || t + d > end[k]) end[k] = t + d
	if (r == "connected") { connect[k] += d; if ($7 != "") dcs[k]++ }
	else if (r == "dropped") hold[k] += d
	else if (r == "in-progress" && $7 != "") busy[k, $7] = 1
	if (t > nowe - 3600 && t <= nowe) cur[k]++
	per_hour[k, int(t / 3600)]++
}
END {
	for (k in n)
		subs[k] = 1
	for (k in subs) { # (adding to n while walking it is not defined in awk)
		split(k, p, SUBSEP)
		campaign[p[1]] = 1
		add(p[1], k)
		add("", k)
	}
	for (kh in per_hour) { # sub-campaign, hour: to its campaign's and the total's hours
		split(kh, p, SUBSEP)
		h = p[3]
		hour_of[p[1], h] += per_hour[kh]
		hours[h] += per_hour[kh]
		if (per_hour[kh] > most[p[1] SUBSEP p[2]]) most[p[1] SUBSEP p[2]] = per_hour[kh]
	}
	for (ch in hour_of) {
		split(ch, p, SUBSEP)
		if (hour_of[ch] > most[p[1]]) most[p[1]] = hour_of[ch]
	}
	for (h in hours) {
		if (hours[h] > most[""]) most[""] = hours[h]
		print "hour", h * 3600, hours[h]
	}
	for (ka in busy) { # sub-campaign, agent: distinct in its campaign and in all
		split(ka, p, SUBSEP)
		nbusy[p[1] SUBSEP p[2]]++
		if (!((p[1], p[3]) in busy_campaign)) { busy_campaign[p[1], p[3]] = 1; nbusy[p[1]]++ }
		if (!(p[3] in busy_total)) { busy_total[p[3]] = 1; nbusy[""]++ }
	}
	for (k in n) {
		split(k, p, SUBSEP)
		if (k in campaign) line(k, "campaign", k, "")
		else if (k == "") line(k, "total", "", "")
		else line(k, "sub-campaign", p[1], p[2])
	}
}
