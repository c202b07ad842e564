# orgctl campaign stats -o json as the lines bench/campaign-stats.awk prints, to compare
# the two: `jq -r -f bench/campaign-stats-lines.jq`.
def seconds: if . then fromdateiso8601 else "" end;
def line($level; $campaign; $sub):
  [$level, $campaign, $sub, .records, .success, .failure, .dc_success, .dc_fail, .hold,
   .connect, .busy_agents, .max_per_hour, .current_hourly_rate, .avg_length, .in_progress,
   (.start | seconds), (.end | seconds),
   .results["connected", "busy", "no-answer", "answering-machine", "fax", "dropped",
            "invalid-number", "in-progress"]]
  | map(tostring) | join("\t");
(.total | line("total"; ""; "")),
(.campaigns[] | line("campaign"; .campaign; ""),
   (.sub_campaigns[] | line("sub-campaign"; .campaign; .sub_campaign))),
(.hours[] | ["hour", (.hour | fromdateiso8601), .calls] | map(tostring) | join("\t"))
