# The figures of `orgctl campaign stats` (orgctl-campaign(1), STATISTICS), in awk: the
# baseline of bench/bench-campaign.sh, and checked equal to orgctl's figures by
# tests/cli/t8600-campaign-stats.sh. It checks nothing (it trusts its input: the header
# in the usual order, no quoted field, no bad record) and prints a line a scope and an
# hour, as bench/campaign-stats-lines.jq prints orgctl's -o json:
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

function count(k,    e, h) {
	n[k]++
	res[k, r]++
	if (!(k in start) || t < start[k]) start[k] = t
	e = t + d
	if (!(k in end) || e > end[k]) end[k] = e
	if (r == "connected") { connect[k] += d; if (a != "") dcs[k]++ }
	else if (r == "dropped") hold[k] += d
	else if (r == "in-progress" && a != "" && !((k, a) in busy)) { busy[k, a] = 1; nbusy[k]++ }
	if (t > nowe - 3600 && t <= nowe) cur[k]++
	h = int(t / 3600)
	if (++per_hour[k, h] > most[k]) most[k] = per_hour[k, h]
	if (k == "total") hours[h]++
}

BEGIN {
	FS = ","
	nowe = epoch(now)
	split("connected busy no-answer answering-machine fax dropped invalid-number in-progress", names, " ")
}
NR == 1 { next }
{
	t = epoch($1); r = $5; d = $6 + 0; a = $7
	count("total")
	count("campaign" SUBSEP $2 SUBSEP "")
	count("sub-campaign" SUBSEP $2 SUBSEP $3)
}
END {
	OFS = "\t"
	for (k in n) {
		split(k, p, SUBSEP)
		s = res[k, "connected"] + 0
		ip = res[k, "in-progress"] + 0
		line = p[1] OFS p[2] OFS p[3] OFS n[k] OFS s OFS (n[k] - s - ip) OFS (dcs[k] + 0) OFS \
			(res[k, "dropped"] + 0) OFS (hold[k] + 0) OFS (connect[k] + 0) OFS (nbusy[k] + 0) OFS \
			most[k] OFS (cur[k] + 0) OFS (s ? int((connect[k] + int(s / 2)) / s) : 0) OFS ip OFS \
			start[k] OFS end[k]
		for (i = 1; i <= 8; i++)
			line = line OFS (res[k, names[i]] + 0)
		print line
	}
	for (h in hours)
		print "hour", h * 3600, hours[h]
}
