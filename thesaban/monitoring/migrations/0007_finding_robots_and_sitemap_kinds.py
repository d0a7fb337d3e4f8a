"""The findings of robots.txt and the sitemap, read as an outside checker reads them
(`monitoring.site_files`): new choices of `Finding.kind` only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0006_site_required'),
    ]

    operations = [
        migrations.AlterField(
            model_name='finding',
            name='kind',
            field=models.CharField(choices=[('page_error', 'หน้าเว็บแสดงผลไม่ได้'), ('broken_link', 'ลิงก์เสีย'), ('unreachable_link', 'ติดต่อปลายทางของลิงก์ไม่ได้'), ('redirected_link', 'ลิงก์ถูกเปลี่ยนเส้นทาง'), ('missing_content', 'ไม่มีข้อมูลที่ต้องเผยแพร่'), ('stale_content', 'ข้อมูลไม่เป็นปัจจุบัน'), ('workflow_overdue', 'รอการพิจารณานานเกินกำหนด'), ('schedule_missed', 'ไม่ได้เผยแพร่หรือถอนตามเวลาที่ตั้งไว้'), ('expiring_soon', 'จะหมดเวลาเผยแพร่ภายใน 7 วัน'), ('document_metadata', 'เอกสารไม่มีชื่อหรือคำอธิบาย'), ('image_alt', 'รูปภาพไม่มีข้อความแทนภาพ'), ('robots_missing', 'ไม่มีไฟล์ robots.txt'), ('robots_no_sitemap', 'robots.txt ไม่ระบุแผนผังเว็บไซต์'), ('sitemap_unreachable', 'เปิดแผนผังเว็บไซต์ไม่ได้'), ('sitemap_malformed', 'แผนผังเว็บไซต์มีรูปแบบไม่ถูกต้อง'), ('sitemap_wrong_host', 'แผนผังเว็บไซต์ระบุที่อยู่ที่ไม่ใช่ของเว็บไซต์'), ('sitemap_dead_url', 'ที่อยู่ในแผนผังเว็บไซต์เปิดไม่ได้'), ('sitemap_redirect', 'ที่อยู่ในแผนผังเว็บไซต์ถูกเปลี่ยนเส้นทาง')], max_length=30, verbose_name='ประเภท'),
        ),
    ]
