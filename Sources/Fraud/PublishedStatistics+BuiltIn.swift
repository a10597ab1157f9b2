// The published per-class statistics of the Kaggle credit-card data, compiled into the binary so
// `fraud synth` and `report fraud` work from any folder. This is datasets/creditcard/creditcard_stats.csv
// verbatim (FraudTests.builtInStatisticsMatchTheShippedFile keeps the two identical); the file
// stays the reference that people read and `--stats FILE` can point at another one.

extension PublishedStatistics {
    /// The text of `datasets/creditcard/creditcard_stats.csv`.
    public static let builtInCSV = #"""
feature,mean_legit,std_legit,mean_fraud,std_fraud,source
Time,94838.202258,47484.015786,80746.806911,47835.365138,"ccuulinay/Kaggle_play@be52097e CCFD/Predicting+Credit+Card+Fraud+by+Currie32/README.MD (df.Time[df.Class==c].describe(); 6 d.p. as printed)"
V1,0.008257737485563688,1.929814051650085,-4.771948441479082,6.783686756476151,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V2,-0.006270857415807066,1.63614605256896,3.6237781019822806,4.29121562613748,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V3,0.012170917031845403,1.4594290274738584,-7.0332810485965584,7.1109372903105035,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V4,-0.00785986782046522,1.3993332348712224,4.542029104423092,2.873317687899231,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V5,0.00545311588864745,1.35695169107913,-3.151224885936005,5.372468014862647,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V6,0.0024187484361073526,1.3299129957395899,-1.3977367105923515,1.8581235858079637,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V7,0.009636549929484086,1.1788121897767614,-5.5687310837427395,7.206772830811148,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V8,-0.0009874711516652873,1.161283351253403,0.5706358952962376,6.79783063623696,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V9,0.004466568691335963,1.089371898336135,-2.581122921702995,2.500895571086703,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V10,0.009823703892289417,1.0442036815228026,-5.676882870194368,4.897341006509331,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V11,-0.006576104223821521,1.0031119069611505,3.800172911374607,2.6786045225101964,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V12,0.010831723172555738,0.945939025726211,-6.259393036190131,4.6544584929147765,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V13,0.0001891994372613584,0.9950665341833557,-0.10933381708278403,1.1045182929894486,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V14,0.012064392184377496,0.8970065241747024,-6.971722894107602,4.278939887044232,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V15,0.000160810873440156,0.9150598689039482,-0.09292874691208501,1.0499153069887992,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V16,0.007164072539099487,0.8447717337884785,-4.139945699092808,3.8650346555613284,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V17,0.011535063252129248,0.749456648242162,-6.665836399449663,6.970617740259835,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V18,0.003887180071097925,0.8249186195509939,-2.2463081339714064,2.8993658986950903,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V19,-0.001177863909078364,0.8117331207903172,0.680659303475429,1.5398533071314588,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V20,-0.0006442894068880698,0.7694035636804587,0.3723193957714717,1.3466351740593023,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V21,-0.001234846805525402,0.7167434676062252,0.7135883526687006,3.8693043972708807,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V22,-2.4311239340300425e-05,0.7236684375119938,0.014048882140121373,1.4946016191790494,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V23,6.97519274279322e-05,0.6215411537097715,-0.04030796594836943,1.579642317711538,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V24,0.00018192536544853305,0.6057762842719125,-0.10513030543948289,0.5155765408949147,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V25,-7.17262632402963e-05,0.5206731481707908,0.041448887262827076,0.7972046934927819,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V26,-8.937579014912199e-05,0.4822410834910837,0.05164812556245366,0.4716789460979488,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V27,-0.0002951754138341059,0.3998465336390618,0.17057479224418592,1.3767657691110502,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
V28,-0.00013094035488017133,0.32956988157823003,0.0756672906457746,0.5472914201992768,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step22_mean_comparison.csv + step26_standard_deviation_comparison.csv (pandas groupby-class mean/std; ddof=1)"
Amount,88.29102242231328,250.10509222589243,122.21132113821139,256.6832882977121,"khushiikhushii853-maker/UPI-Fraud-Statistical-Signals@c2ca4732 step34_transaction_amount_analysis.csv (pandas; ddof=1)"
"""#
}
