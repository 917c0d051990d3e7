// Package calendar counts working days (工作日) in mainland China under the
// State Council's annual holiday notices (国务院办公厅关于XXXX年部分节假日
// 安排的通知), for the deadlines of government procurement:
//
//   - 政府采购法第四十七条: the purchaser files a copy of the procurement
//     contract within 七个工作日 of signing — AddWorkdays(signed, 7);
//   - 政府采购法实施条例第五十条: the contract is published within 2个工作日
//     of signing — AddWorkdays(signed, 2).
//
// A working day is Monday to Friday, except the days a notice gives off
// (public holidays and the days moved by 调休), plus the Saturdays and
// Sundays a notice makes working days (调休上班). "日" alone in a rule means
// calendar days: AddDays, or AddDaysRolled where 民法典第二百零三条 applies.
//
// # Dates
//
// The package works on Date, a civil date (year, month, day) with no time
// and no zone, parsed from and formatted as YYYY-MM-DD. Convert a
// time.Time with DateOf after moving it into Asia/Shanghai; Date.Time gives
// midnight UTC back.
//
// # Counting
//
// Every count starts the day after the starting date, which is not counted
// (民法典第二百零一条). AddWorkdays(from, n) for n ≥ 1 is by construction a
// working day, so working-day deadlines never need rolling forward.
// AddDays(from, n) is plain calendar arithmetic and does not roll a last
// day that falls on a holiday; AddDaysRolled applies 民法典第二百零三条 and
// moves such a last day to the next working day.
//
// # Data and precedence
//
// Holiday data comes from lunar-go's HolidayUtil (github.com/6tail/lunar-go,
// which tracks the notices) and from data files in the format of the
// embedded holidays.yaml. From lowest to highest precedence: the weekday
// rule; lunar-go, for the years whose notice in a data file says
// library: true; the embedded holidays.yaml; files added with
// Calendar.WithData, later ones winning. A data file therefore corrects the
// library, and a user's file (for example a new year's notice published
// after this build) corrects or extends the embedded one without a code
// change.
//
// A year is known only if a data file declares a notice for it. Any other
// year is an error (ErrUnknownYear, "未收录 2031 年节假日安排，请在节假日数据
// 文件中补充"), never a guess from the weekday rule: the notice may move any
// day of it. lunar-go v1.4.7 also carries data for 2027, but no published
// 2027 notice could be found to check it against, so 2027 is not declared;
// see holidays.yaml.
package calendar
